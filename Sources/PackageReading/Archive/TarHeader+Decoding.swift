import DropFormats

/// Reading a header block back, wider than writing one: archives also come from GNU tar and
/// Python's `tarfile`, so GNU's "ustar  " magic, base-256 numbers and either checksum sum are
/// accepted here.
extension TarHeader {
    /// The header in `block`, or nil for an all-zero block (the end of the archive).
    /// Throws a description of what is wrong; `TarGzReader` adds the archive's path.
    static func decode(_ block: [UInt8]) throws(TarHeaderProblem) -> TarHeader? {
        precondition(block.count == blockSize)
        if block.allSatisfy({ $0 == 0 }) { return nil }
        guard block[Field.magic.lowerBound..<Field.magic.lowerBound + 5].elementsEqual("ustar".utf8) else {
            throw TarHeaderProblem(message: "not a ustar header (no \"ustar\" magic); is this a tar archive?")
        }
        guard let stored = number(block[Field.checksum]) else {
            throw TarHeaderProblem(message: "header checksum field is not a number")
        }
        let sums = checksums(of: block)
        guard stored == Int64(sums.unsigned) || stored == Int64(sums.signed) else {
            throw TarHeaderProblem(message: "header checksum mismatch (stored \(stored), computed \(sums.unsigned)); the archive is damaged")
        }
        guard let size = number(block[Field.size]), size >= 0 else {
            throw TarHeaderProblem(message: "header size field is not a valid number")
        }
        var nameBytes = cString(block[Field.name])
        // Only POSIX ustar has a prefix; GNU's "ustar  " keeps access times and more there.
        if block[Field.magic].elementsEqual("ustar\0".utf8) {
            let prefix = cString(block[Field.prefix])
            if !prefix.isEmpty { nameBytes = prefix + [UInt8(ascii: "/")] + nameBytes }
        }
        return TarHeader(
            name: String(decoding: nameBytes, as: UTF8.self),
            typeflag: block[Field.typeflag],
            size: size,
            mode: Int(number(block[Field.mode]) ?? 0),
            mtime: number(block[Field.mtime]) ?? 0,
            nameIsUTF8: String(validating: nameBytes, as: UTF8.self) != nil
        )
    }

    static func cString(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(bytes.prefix { $0 != 0 })
    }

    /// An octal field (spaces or NULs around the digits), or a GNU base-256 one. Nil if
    /// neither, or if it does not fit an `Int64`.
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            guard first == 0x80 else { return nil }  // 0xFF is a negative number: never a size
            var value: Int64 = 0
            for byte in field.dropFirst() {
                guard value <= (Int64.max >> 8) else { return nil }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        let trimmed = field.drop { $0 == UInt8(ascii: " ") || $0 == 0 }
        var value: Int64 = 0
        for byte in trimmed {
            if byte == UInt8(ascii: " ") || byte == 0 { break }
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte), value <= (Int64.max >> 3) else {
                return nil
            }
            value = value << 3 | Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

/// What `TarHeader.decode` or `TarExtendedHeader` found wrong with a header, before the
/// reader knows which archive it is in; the reader reports it as `.corrupt`.
struct TarHeaderProblem: Error {
    var message: String
}

/// The 512-byte ustar header block (POSIX.1-1988), built by `TarGzWriter` and read back by
/// PackageReading's `TarGzReader`.
///
/// Only what a reference-dataset upload needs is written: regular files and directories,
/// owned by root, names up to 255 bytes through the ustar `prefix` field. Reading is wider,
/// because archives also come from GNU tar and Python's `tarfile`: GNU's "ustar  " magic and
/// base-256 sizes are understood by `decode` (in PackageReading), GNU long names and pax
/// records by `TarExtendedHeader`. The layout is package-visible for that reading.
package struct TarHeader {
    package static let blockSize = 512
    /// The largest size the 11 octal digits of the size field hold (8 GiB - 1); larger files
    /// get GNU's base-256 form, which GNU tar and Python read.
    static let largestOctalSize: Int64 = 0o77777777777

    package enum Field {
        package static let name = 0..<100
        package static let mode = 100..<108
        package static let uid = 108..<116
        package static let gid = 116..<124
        package static let size = 124..<136
        package static let mtime = 136..<148
        package static let checksum = 148..<156
        package static let typeflag = 156
        package static let magic = 257..<263
        package static let version = 263..<265
        package static let uname = 265..<297
        package static let gname = 297..<329
        package static let devmajor = 329..<337
        package static let devminor = 337..<345
        package static let prefix = 345..<500
    }

    package enum TypeFlag {
        package static let file = UInt8(ascii: "0")
        package static let oldFile = UInt8(0)
        package static let contiguousFile = UInt8(ascii: "7")
        package static let directory = UInt8(ascii: "5")
        package static let paxRecords = UInt8(ascii: "x")
        package static let paxGlobalRecords = UInt8(ascii: "g")
        package static let gnuLongName = UInt8(ascii: "L")
        package static let gnuLongLinkName = UInt8(ascii: "K")
    }

    package var name: String
    package var typeflag: UInt8
    package var size: Int64
    package var mode: Int
    package var mtime: Int64
    /// False when the stored name was not valid UTF-8 and `name` holds replacement
    /// characters; the reader rejects such an entry once it knows how much to skip.
    package var nameIsUTF8 = true

    package init(name: String, typeflag: UInt8, size: Int64, mode: Int, mtime: Int64, nameIsUTF8: Bool = true) {
        self.name = name
        self.typeflag = typeflag
        self.size = size
        self.mode = mode
        self.mtime = mtime
        self.nameIsUTF8 = nameIsUTF8
    }

    // MARK: Writing

    /// The header block, or nil when `name` does not fit the 100-byte name field even with
    /// the 155-byte prefix (the caller reports that; the archive is untouched).
    func encoded() -> [UInt8]? {
        guard let (prefix, shortName) = Self.split(Array(name.utf8)) else { return nil }
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        block.replaceSubrange(Field.name.lowerBound..<Field.name.lowerBound + shortName.count, with: shortName)
        block.replaceSubrange(Field.prefix.lowerBound..<Field.prefix.lowerBound + prefix.count, with: prefix)
        Self.putOctal(Int64(mode), into: &block, Field.mode)
        Self.putOctal(0, into: &block, Field.uid)
        Self.putOctal(0, into: &block, Field.gid)
        if size <= Self.largestOctalSize {
            Self.putOctal(size, into: &block, Field.size)
        } else {
            Self.putBase256(size, into: &block, Field.size)
        }
        Self.putOctal(max(0, min(mtime, 0o77777777777)), into: &block, Field.mtime)
        block[Field.typeflag] = typeflag
        block.replaceSubrange(Field.magic, with: Array("ustar\0".utf8))
        block.replaceSubrange(Field.version, with: Array("00".utf8))
        block.replaceSubrange(Field.uname.lowerBound..<Field.uname.lowerBound + 4, with: Array("root".utf8))
        block.replaceSubrange(Field.gname.lowerBound..<Field.gname.lowerBound + 4, with: Array("root".utf8))
        Self.putOctal(0, into: &block, Field.devmajor)
        Self.putOctal(0, into: &block, Field.devminor)
        // The checksum is summed with its own field read as eight spaces, and written the
        // traditional way: six octal digits, NUL, space.
        let sum = Self.checksums(of: block).unsigned
        let digits = Self.octalDigits(Int64(sum), width: 6)
        block.replaceSubrange(Field.checksum, with: digits + [0, UInt8(ascii: " ")])
        return block
    }

    /// Splits a name into ustar's prefix and name fields at the last "/" that lets both fit,
    /// as Python's tarfile does. Nil if there is no such "/".
    static func split(_ bytes: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        if bytes.count <= Field.name.count { return ([], bytes) }
        let slash = UInt8(ascii: "/")
        var index = min(bytes.count - 2, Field.prefix.count)  // the name after it must not be empty
        while index >= 0 {
            if bytes[index] == slash, bytes.count - index - 1 <= Field.name.count {
                return (Array(bytes[..<index]), Array(bytes[(index + 1)...]))
            }
            index -= 1
        }
        return nil
    }

    private static func octalDigits(_ value: Int64, width: Int) -> [UInt8] {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        var index = width - 1
        while rest > 0, index >= 0 {
            digits[index] = UInt8(ascii: "0") + UInt8(rest & 7)
            rest >>= 3
            index -= 1
        }
        return digits
    }

    /// Zero-padded octal digits filling the field but its last byte, which stays NUL.
    private static func putOctal(_ value: Int64, into block: inout [UInt8], _ field: Range<Int>) {
        let digits = octalDigits(value, width: field.count - 1)
        block.replaceSubrange(field.lowerBound..<field.upperBound - 1, with: digits)
    }

    /// GNU's base-256 number: 0x80 then the value big-endian in the remaining bytes.
    private static func putBase256(_ value: Int64, into block: inout [UInt8], _ field: Range<Int>) {
        var rest = UInt64(value)
        for index in field.reversed() {
            block[index] = UInt8(truncatingIfNeeded: rest)
            rest >>= 8
        }
        block[field.lowerBound] = 0x80
    }

    // MARK: Checksum

    /// Both sums old tars have used: over unsigned bytes (POSIX) and over signed ones (some
    /// historic tars). The checksum field counts as eight spaces.
    package static func checksums(of block: [UInt8]) -> (unsigned: Int, signed: Int) {
        var unsigned = 0
        var signed = 0
        for (index, byte) in block.enumerated() {
            let value = Field.checksum.contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        return (unsigned, signed)
    }

    // MARK: Names

    /// Whether `name` stays inside the directory it is unpacked into: not empty, not
    /// absolute, no ".." component, no NUL. "./" components are harmless and allowed.
    package static func isSafeName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.first != UInt8(ascii: "/"), !bytes.contains(0) else { return false }
        return !bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .contains { $0.elementsEqual("..".utf8) }
    }
}

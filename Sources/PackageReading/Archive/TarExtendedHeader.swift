import DropFormats

/// What the extra entries before an entry say about it: a pax `x` entry (Python's tarfile
/// writes one for names over 100 bytes or not ASCII) or a GNU `L` long name (GNU tar's
/// default format). They override the name and size in the ustar header that follows.
struct TarExtendedHeader {
    /// Metadata entries are read into memory; anything larger than this is not a name.
    static let maximumSize: Int64 = 1 << 20

    var path: String?
    /// False when `path` was not valid UTF-8 and holds replacement characters; the reader
    /// rejects the entry once it knows how much to skip.
    var pathIsUTF8 = true
    var size: Int64?

    /// Reads pax records, each "LENGTH KEY=VALUE\n" where LENGTH counts the whole record.
    /// Only `path` and `size` matter here; other keys (times, owners) are ignored.
    mutating func apply(paxRecords bytes: [UInt8]) throws(TarHeaderProblem) {
        var start = 0
        while start < bytes.count {
            if bytes[start] == 0 { break }  // some writers pad the records with NULs
            guard let space = bytes[start...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: bytes[start..<space], as: UTF8.self)),
                length > space - start, start + length <= bytes.count,
                bytes[start + length - 1] == UInt8(ascii: "\n")
            else {
                throw TarHeaderProblem(message: "malformed pax extended header")
            }
            let record = bytes[(space + 1)..<(start + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw TarHeaderProblem(message: "malformed pax extended header record")
            }
            let key = String(decoding: record[..<equals], as: UTF8.self)
            let value = Array(record[(equals + 1)...])
            switch key {
            case "path":
                setPath(value)
            case "size":
                guard let number = Int64(String(decoding: value, as: UTF8.self)), number >= 0 else {
                    throw TarHeaderProblem(message: "pax size is not a number")
                }
                size = number
            default:
                break
            }
            start += length
        }
    }

    /// A GNU long name: the contents of an `L` entry, NUL-terminated.
    mutating func apply(gnuLongName bytes: [UInt8]) {
        setPath(TarHeader.cString(bytes[...]))
    }

    private mutating func setPath(_ bytes: [UInt8]) {
        path = String(decoding: bytes, as: UTF8.self)
        pathIsUTF8 = String(validating: bytes, as: UTF8.self) != nil
    }
}

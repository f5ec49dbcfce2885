import Crypto
import Foundation

/// SHA-256 of a file, streamed; for the cases where no parsing pass computes it on the way.
enum FileDigest {
    static func sha256(path: String) throws -> [UInt8] {
        try sha256AndChecksum(path: path).sha256
    }

    /// The file's SHA-256 and its CRC-32C (`SegmentChecksum`), in one read.
    static func sha256AndChecksum(path: String) throws -> (sha256: [UInt8], checksum: UInt32) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var checksum = SegmentChecksum()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            chunk.withUnsafeBytes { checksum.update($0) }
        }
        return (Array(hasher.finalize()), checksum.value)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Hex.digits
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes `hex` spelled; nil for anything else.
    static func bytes(hex: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8?
        for byte in hex.utf8 {
            guard let value = Hex.value(of: byte) else { return nil }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return high == nil && !bytes.isEmpty ? bytes : nil
    }
}

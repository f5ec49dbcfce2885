import Crypto

/// Inference ids for rows that come without one.
///
/// An id is derived from the file's SHA-256 and the row's ordinal, so the same file always
/// yields the same ids: a file published again after a crash carries the ids it carried the
/// first time, and a ground truth written later can be matched to its prediction.
public struct InferenceIdGenerator: Sendable {
    private let fileDigest: [UInt8]

    public init(fileDigest: [UInt8]) {
        self.fileDigest = fileDigest
    }

    /// A version-8 (RFC 9562, "custom") UUID from SHA-256(file digest ‖ ordinal as 8 bytes
    /// big-endian), lowercase. `ordinal` counts data rows from 1.
    public func id(forRow ordinal: Int) -> String {
        var hasher = SHA256()
        hasher.update(data: fileDigest)
        withUnsafeBytes(of: UInt64(ordinal).bigEndian) { hasher.update(bufferPointer: $0) }
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return Self.format(bytes)
    }

    static func format(_ bytes: [UInt8]) -> String {
        let hex = FileDigest.hex(bytes)
        let characters = Array(hex)
        return String(characters[0..<8]) + "-" + String(characters[8..<12]) + "-" + String(characters[12..<16])
            + "-" + String(characters[16..<20]) + "-" + String(characters[20..<32])
    }
}

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
        String(unsafeUninitializedCapacity: Self.length) { buffer in
            write(forRow: ordinal, into: buffer)
            return Self.length
        }
    }

    /// Appends the id's 36 bytes to `bytes`, with no `String` in between.
    public func append(forRow ordinal: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: Self.length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            write(forRow: ordinal, into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
    }

    static let length = 36

    private func write(forRow ordinal: Int, into output: UnsafeMutableBufferPointer<UInt8>) {
        // The digest and the ordinal hashed as one message: a hasher fed twice costs a third more.
        let digest = withUnsafeTemporaryAllocation(byteCount: fileDigest.count + 8, alignment: 8) { message in
            message.copyBytes(from: fileDigest)
            message.storeBytes(of: UInt64(ordinal).bigEndian, toByteOffset: fileDigest.count, as: UInt64.self)
            return SHA256.hash(data: UnsafeRawBufferPointer(message))
        }
        digest.withUnsafeBytes { raw in
            var position = 0
            for index in 0..<16 {
                var byte = raw[index]
                if index == 6 { byte = (byte & 0x0f) | 0x80 }
                if index == 8 { byte = (byte & 0x3f) | 0x80 }
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    output[position] = UInt8(ascii: "-")
                    position += 1
                }
                output[position] = Self.hexDigits[Int(byte >> 4)]
                output[position + 1] = Self.hexDigits[Int(byte & 0x0f)]
                position += 2
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

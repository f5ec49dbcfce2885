import CHashing

/// Inference ids for rows that come without one.
///
/// An id is derived from the file's SHA-256 and the row's ordinal, so the same file always
/// yields the same ids: a file published again after a crash carries the ids it carried the
/// first time, and a ground truth written later can be matched to its prediction.
public struct InferenceIdGenerator: Sendable {
    /// The file's SHA-256 as four words in memory order, so that making an id touches no array
    /// (an array here is retained and released at every row).
    private let digest: (UInt64, UInt64, UInt64, UInt64)

    /// - Parameter fileDigest: the file's SHA-256, 32 bytes.
    public init(fileDigest: [UInt8]) {
        precondition(fileDigest.count == 32, "a SHA-256 digest is 32 bytes")
        digest = fileDigest.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }

    /// A version-8 (RFC 9562, "custom") UUID from SHA-256(file digest ‖ ordinal as 8 bytes
    /// big-endian), lowercase. `ordinal` counts data rows from 1.
    public func id(forRow ordinal: Int) -> String {
        String(unsafeUninitializedCapacity: Self.length) { buffer in
            write(forRow: ordinal, into: buffer)
            return Self.length
        }
    }

    /// Appends a UUID's 36 bytes to `bytes`, with no `String` in between.
    static func append(_ uuid: UUIDBytes, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            write(uuid, into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
    }

    static let length = 36

    /// The 16 bytes of the UUID given to row `ordinal`, version and variant set.
    public func uuid(forRow ordinal: Int) -> UUIDBytes {
        // One SHA-256 block (`short_sha256`): through swift-crypto's hasher, setting up and
        // finalizing a context cost twice the compression, a third of the publishing pass.
        var message: (UInt64, UInt64, UInt64, UInt64, UInt64) = (digest.0, digest.1, digest.2, digest.3, UInt64(ordinal).bigEndian)
        var hash: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeBytes(of: &message) { message in
            withUnsafeMutableBytes(of: &hash) { hash in
                short_sha256(message.baseAddress!.assumingMemoryBound(to: UInt8.self), 40, hash.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return UUIDBytes(hashHigh: hash.0, hashLow: hash.1)
    }

    /// A UUID as two big-endian halves: what a generated id is, without its text.
    public struct UUIDBytes: Hashable, Sendable {
        public var high: UInt64
        public var low: UInt64

        /// The UUID an id spells, if it could be one this generator gives: lowercase hex in the
        /// 8-4-4-4-12 form, version 8, RFC 9562 variant.
        public init?(generatedId id: some StringProtocol) {
            var halves: (UInt64, UInt64) = (0, 0)
            var nibbles = 0
            for (position, byte) in id.utf8.enumerated() {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                    continue
                }
                guard let value = Hex.value(of: byte) else { return nil }
                if nibbles < 16 { halves.0 = halves.0 << 4 | UInt64(value) } else { halves.1 = halves.1 << 4 | UInt64(value) }
                nibbles += 1
                guard nibbles <= 32 else { return nil }
            }
            guard nibbles == 32, halves.0 & 0xf000 == 0x8000, halves.1 >> 62 == 0b10 else { return nil }
            self.init(high: halves.0, low: halves.1)
        }

        init(high: UInt64, low: UInt64) {
            self.high = high
            self.low = low
        }

        /// The UUID of a digest's first 16 bytes (two words as loaded from memory), version and
        /// variant set.
        init(hashHigh: UInt64, hashLow: UInt64) {
            self.init(
                high: (UInt64(bigEndian: hashHigh) & ~0xf000) | 0x8000,
                low: (UInt64(bigEndian: hashLow) & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000)
        }
    }

    /// Writes the id's 36 bytes into `output`.
    func write(forRow ordinal: Int, into output: UnsafeMutableBufferPointer<UInt8>) {
        Self.write(uuid(forRow: ordinal), into: output)
    }

    /// The UUIDs of rows `first` to `first + 3`, hashed at once (`short_sha256_x4`).
    func uuids(fromRow first: Int) -> (UUIDBytes, UUIDBytes, UUIDBytes, UUIDBytes) {
        var messages: (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (
            digest.0, digest.1, digest.2, digest.3, UInt64(first).bigEndian,
            digest.0, digest.1, digest.2, digest.3, UInt64(first + 1).bigEndian,
            digest.0, digest.1, digest.2, digest.3, UInt64(first + 2).bigEndian,
            digest.0, digest.1, digest.2, digest.3, UInt64(first + 3).bigEndian
        )
        var hashes: (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeBytes(of: &messages) { messages in
            withUnsafeMutableBytes(of: &hashes) { hashes in
                short_sha256_x4(messages.baseAddress!.assumingMemoryBound(to: UInt8.self), 40, hashes.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return (
            UUIDBytes(hashHigh: hashes.0, hashLow: hashes.1), UUIDBytes(hashHigh: hashes.4, hashLow: hashes.5),
            UUIDBytes(hashHigh: hashes.8, hashLow: hashes.9), UUIDBytes(hashHigh: hashes.12, hashLow: hashes.13))
    }

    /// Writes a UUID's 36 bytes into `output`: 32 hex digits, eight at a time, and four dashes.
    static func write(_ uuid: UUIDBytes, into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count >= Self.length)
        let raw = UnsafeMutableRawPointer(output.baseAddress!)
        let dash = UInt8(ascii: "-")
        let second = Self.hexDigits(of: UInt32(truncatingIfNeeded: uuid.high))
        let third = Self.hexDigits(of: UInt32(truncatingIfNeeded: uuid.low >> 32))
        raw.storeBytes(of: Self.hexDigits(of: UInt32(truncatingIfNeeded: uuid.high >> 32)).littleEndian, toByteOffset: 0, as: UInt64.self)
        raw.storeBytes(of: dash, toByteOffset: 8, as: UInt8.self)
        raw.storeBytes(of: UInt32(truncatingIfNeeded: second).littleEndian, toByteOffset: 9, as: UInt32.self)
        raw.storeBytes(of: dash, toByteOffset: 13, as: UInt8.self)
        raw.storeBytes(of: UInt32(truncatingIfNeeded: second >> 32).littleEndian, toByteOffset: 14, as: UInt32.self)
        raw.storeBytes(of: dash, toByteOffset: 18, as: UInt8.self)
        raw.storeBytes(of: UInt32(truncatingIfNeeded: third).littleEndian, toByteOffset: 19, as: UInt32.self)
        raw.storeBytes(of: dash, toByteOffset: 23, as: UInt8.self)
        raw.storeBytes(of: UInt32(truncatingIfNeeded: third >> 32).littleEndian, toByteOffset: 24, as: UInt32.self)
        raw.storeBytes(of: Self.hexDigits(of: UInt32(truncatingIfNeeded: uuid.low)).littleEndian, toByteOffset: 28, as: UInt64.self)
    }

    /// The eight lowercase hex digits of `value`, most significant first in memory order (the
    /// first digit in the lowest byte). Branch-free: a digit-by-digit choice between `0`–`9` and
    /// `a`–`f` is a coin toss the processor mispredicts, and cost more than the hash.
    @inline(__always)
    static func hexDigits(of value: UInt32) -> UInt64 {
        // One nibble per byte, the most significant in the lowest byte.
        var nibbles = UInt64(value)
        nibbles = (nibbles | nibbles << 16) & 0x0000_FFFF_0000_FFFF
        nibbles = (nibbles | nibbles << 8) & 0x00FF_00FF_00FF_00FF
        nibbles = (nibbles | nibbles << 4) & 0x0F0F_0F0F_0F0F_0F0F
        nibbles = nibbles.byteSwapped
        // 1 in each byte whose nibble is 10 or more, which then moves from ':' up to 'a'.
        let letters = ((nibbles &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return nibbles &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
    }
}

/// The ids of rows read in order, made four at a time (`InferenceIdGenerator.uuids(fromRow:)`):
/// one SHA-256 compression a row is the largest cost of publishing a file without ids, and four
/// interleaved take little more time than one. Owned by one encoder; rows out of order still get
/// their ids, just without the saving.
final class GeneratedIds {
    let generator: InferenceIdGenerator
    private var first = Int.min
    private var block: (InferenceIdGenerator.UUIDBytes, InferenceIdGenerator.UUIDBytes, InferenceIdGenerator.UUIDBytes, InferenceIdGenerator.UUIDBytes)

    init(_ generator: InferenceIdGenerator) {
        self.generator = generator
        let none = InferenceIdGenerator.UUIDBytes(high: 0, low: 0)
        block = (none, none, none, none)
    }

    func uuid(forRow ordinal: Int) -> InferenceIdGenerator.UUIDBytes {
        var index = ordinal &- first
        if index < 0 || index > 3 {
            block = generator.uuids(fromRow: ordinal)
            first = ordinal
            index = 0
        }
        switch index {
        case 0: return block.0
        case 1: return block.1
        case 2: return block.2
        default: return block.3
        }
    }

    /// Writes the id of row `ordinal` (36 bytes) into `output`.
    func write(forRow ordinal: Int, into output: UnsafeMutableBufferPointer<UInt8>) {
        InferenceIdGenerator.write(uuid(forRow: ordinal), into: output)
    }

    /// Appends the id of row `ordinal` to `bytes`.
    func append(forRow ordinal: Int, to bytes: inout [UInt8]) {
        InferenceIdGenerator.append(uuid(forRow: ordinal), to: &bytes)
    }
}

import CHashing
import Crypto
@testable import DropEngine
import Testing

/// Generated inference ids hash one short message per row with a compression of their own
/// (`short_sha256`): it must be SHA-256 exactly, on every processor. Segments are checked by
/// CRC-32C (`crc32c_update`), with or without the processor's instruction.
@Suite("SHA-256 of one block, and CRC-32C")
struct HashingTests {
    static func digest(_ message: [UInt8], portable: Bool) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        message.withUnsafeBufferPointer { message in
            digest.withUnsafeMutableBufferPointer { digest in
                if portable {
                    short_sha256_portable(message.baseAddress, message.count, digest.baseAddress)
                } else {
                    short_sha256(message.baseAddress, message.count, digest.baseAddress)
                }
            }
        }
        return digest
    }

    @Test("Every length that fits one block, both ways, is swift-crypto's SHA-256")
    func agreesWithCrypto() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0...55 {
            for _ in 0..<20 {
                let message = (0..<length).map { _ -> UInt8 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: state >> 56)
                }
                let expected = Array(SHA256.hash(data: message))
                #expect(Self.digest(message, portable: true) == expected, "portable, \(length) bytes")
                #expect(Self.digest(message, portable: false) == expected, "\(short_sha256_uses_instructions() != 0 ? "SHA instructions" : "portable"), \(length) bytes")
            }
        }
    }

    @Test("A generated id is the v8 UUID of SHA-256(file digest, ordinal)")
    func generatedId() {
        let fileDigest = Array(SHA256.hash(data: Array("a file".utf8)))
        var message = fileDigest
        withUnsafeBytes(of: UInt64(1234).bigEndian) { message += $0 }
        let hash = Array(SHA256.hash(data: message))
        var uuid = Array(hash[0..<16])
        uuid[6] = (uuid[6] & 0x0f) | 0x80
        uuid[8] = (uuid[8] & 0x3f) | 0x80
        let hex = uuid.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let expected = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
            .joined(separator: "-")
        #expect(InferenceIdGenerator(fileDigest: fileDigest).id(forRow: 1234) == expected)
    }

    @Test("CRC-32C is the Castagnoli CRC, in pieces or whole, both ways")
    func crc32c() {
        let check = Array("123456789".utf8)
        #expect(check.withUnsafeBufferPointer { crc32c_update(0, $0.baseAddress, $0.count) } == 0xE306_9283)
        #expect(check.withUnsafeBufferPointer { crc32c_update_portable(0, $0.baseAddress, $0.count) } == 0xE306_9283)
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let whole = bytes.withUnsafeBufferPointer { crc32c_update_portable(0, $0.baseAddress, $0.count) }
        for cut in [0, 1, 7, 8, 9, 4097, 9999, 10_000] {
            let pieces = bytes.withUnsafeBufferPointer { buffer in
                crc32c_update(crc32c_update(0, buffer.baseAddress, cut), buffer.baseAddress! + cut, buffer.count - cut)
            }
            #expect(pieces == whole, "cut at \(cut)")
        }
    }

    @Test("Four blocks at once are four SHA-256s; ids made four at a time are the ids made one by one")
    func fourAtOnce() {
        for length in [0, 1, 40, 55] {
            let messages = (0..<(4 * length)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
            var digests = [UInt8](repeating: 0, count: 128)
            messages.withUnsafeBufferPointer { messages in
                digests.withUnsafeMutableBufferPointer { short_sha256_x4(messages.baseAddress, length, $0.baseAddress) }
            }
            for lane in 0..<4 {
                let expected = Array(SHA256.hash(data: messages[(lane * length)..<((lane + 1) * length)]))
                #expect(Array(digests[(32 * lane)..<(32 * lane + 32)]) == expected, "\(length) bytes, lane \(lane)")
            }
        }
        let generator = InferenceIdGenerator(fileDigest: Array(SHA256.hash(data: Array("a file".utf8))))
        let ids = GeneratedIds(generator)
        for ordinal in [1, 2, 3, 4, 5, 9, 8, 7, 1000, 2, 1001] {
            var text = [UInt8]()
            ids.append(forRow: ordinal, to: &text)
            #expect(String(decoding: text, as: UTF8.self) == generator.id(forRow: ordinal), "row \(ordinal)")
        }
    }
}

import Crypto
import Foundation
import Testing

@testable import DropFormats

/// `.gz` files read through gunzip: the records are those of the plain text, the bytes hashed
/// are the compressed ones, and damage ends the records with a reason instead of an error.
@Suite struct GzipInputTests {
    /// `text` compressed by the system's gzip, not by this package.
    static func gzip(_ text: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data(text))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(compressed)
    }

    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "gzip-input-\(UUID().uuidString)-" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func records(_ path: String, ratio: Int = 200, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> (records: [CSVRecord], damage: String?) {
        let reader = try CSVReader(path: path, decompression: .gzip(maxExpansionRatio: ratio), onBytes: onBytes)
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        return (records, reader.damage)
    }

    /// Rows long enough to cross many 64 KiB chunks, compressed and not.
    static let text: [UInt8] = Array(("a,b,note\n" + (1...20_000).map { "\($0),\($0 * 7),\"row \($0), quoted\"\n" }.joined()).utf8)

    @Test func recordsAreThoseOfThePlainTextAndTheHashIsOfTheCompressedFile() throws {
        let compressed = try Self.gzip(Self.text)
        let path = try Self.write(compressed, "rows.csv.gz")
        defer { unlink(path) }
        var hasher = SHA256()
        let (records, damage) = try Self.records(path) { hasher.update(bufferPointer: $0) }
        #expect(damage == nil)
        #expect(Array(hasher.finalize()) == Array(SHA256.hash(data: compressed)))
        let plainPath = try Self.write(Self.text, "rows.csv")
        defer { unlink(plainPath) }
        let plain = try CSVReader(path: plainPath)
        var expected: [CSVRecord] = []
        while let record = try plain.next() { expected.append(record) }
        #expect(records == expected)
        #expect(records.count == 20_001)
    }

    @Test func membersOneAfterAnotherAreOneText() throws {
        let first = try Self.gzip(Array("a,b\n1,2\n".utf8))
        let second = try Self.gzip(Array("3,4\n".utf8))
        let path = try Self.write(first + second, "two.csv.gz")
        defer { unlink(path) }
        let (records, damage) = try Self.records(path)
        #expect(damage == nil)
        #expect(records.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    @Test func aCutFileEndsTheRecordsWithAReason() throws {
        let compressed = try Self.gzip(Self.text)
        let path = try Self.write(Array(compressed.prefix(compressed.count / 2)), "cut.csv.gz")
        defer { unlink(path) }
        let (records, damage) = try Self.records(path)
        #expect(damage?.contains("ends early") == true, "\(damage ?? "no damage")")
        #expect(records.count > 1 && records.count < 20_001)
    }

    @Test func plainTextNamedGzIsDamage() throws {
        let path = try Self.write(Array("a,b\n1,2\n".utf8), "plain.csv.gz")
        defer { unlink(path) }
        let (records, damage) = try Self.records(path)
        #expect(records.isEmpty)
        #expect(damage?.contains("not gzip data") == true, "\(damage ?? "no damage")")
    }

    @Test func aDecompressionBombIsStoppedPastItsAllowance() throws {
        let zeros = [UInt8](repeating: UInt8(ascii: "0"), count: 40 << 20)
        let path = try Self.write(try Self.gzip(Array("a\n".utf8) + zeros), "bomb.csv.gz")
        defer { unlink(path) }
        let reader = try CSVReader(path: path, maxRecordBytes: 64 << 20, decompression: .gzip(maxExpansionRatio: 200))
        while try reader.next() != nil {}
        #expect(reader.damage?.contains("more than 200 times its size") == true, "\(reader.damage ?? "no damage")")
    }
}

import DropFormats
import Foundation
import PackageReading
import Testing

@Suite struct TarGzReaderTests {
    /// A small archive of our own, decompressed, for tests that damage or rewrite headers.
    static func plainTar(in scratch: TarScratch, contents: [UInt8]) throws -> [UInt8] {
        let archive = scratch.path("small-\(UUID().uuidString).tar.gz")
        let writer = try TarGzWriter(path: archive)
        try writer.addFile("reference_dataset/dataset.csv", contents: contents)
        try writer.finish()
        return try gunzipWithTool(archive, scratch: scratch)
    }

    @Test func readsAnArchiveMadeByGNUTar() throws {
        let scratch = try TarScratch()
        let csv = sampleCSV(minimumBytes: 300_000)
        let longName = String(repeating: "n", count: 150) + ".csv"  // GNU tar writes an 'L' entry
        _ = try scratch.write(csv, to: "source/reference_dataset/dataset.csv")
        _ = try scratch.write(Array("name: x\n".utf8), to: "source/reference_dataset/dataset_config.yaml")
        _ = try scratch.write(Array("long\n".utf8), to: "source/reference_dataset/" + longName)
        let archive = scratch.path("gnu.tar.gz")
        let made = try runTool(["tar", "--sort=name", "-czf", archive, "-C", scratch.path("source"), "reference_dataset"])
        #expect(made.status == 0, "tar -czf: \(made.output)")

        let entries = try readAll(archive)
        #expect(
            entries.map(\.entry) == [
                TarEntry(name: "reference_dataset/", isDirectory: true, size: 0),
                TarEntry(name: "reference_dataset/dataset.csv", isDirectory: false, size: Int64(csv.count)),
                TarEntry(name: "reference_dataset/dataset_config.yaml", isDirectory: false, size: 8),
                TarEntry(name: "reference_dataset/" + longName, isDirectory: false, size: 5),
            ])
        #expect(entries.map(\.contents) == [[], csv, Array("name: x\n".utf8), Array("long\n".utf8)])
    }

    @Test func readsPaxNamesWrittenByPythonTarfile() throws {
        let scratch = try TarScratch()
        let archive = scratch.path("python.tar.gz")
        let longName = "reference_dataset/" + String(repeating: "p", count: 140) + ".csv"
        let script = """
            import io, sys, tarfile
            with tarfile.open(sys.argv[1], "w:gz", format=tarfile.PAX_FORMAT) as archive:
                for name, data in [("reference_dataset/naïve.csv", b"a\\n"), (sys.argv[2], b"bb\\n")]:
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    archive.addfile(info, io.BytesIO(data))
            """
        let made = try runTool([systemPython, "-c", script, archive, longName])
        #expect(made.status == 0, "python: \(made.output)")
        let entries = try readAll(archive)
        #expect(entries.map(\.entry.name) == ["reference_dataset/naïve.csv", longName])
        #expect(entries.map(\.contents) == [Array("a\n".utf8), Array("bb\n".utf8)])
    }

    @Test func rejectsAHeaderWithAWrongChecksum() throws {
        let scratch = try TarScratch()
        var tar = try Self.plainTar(in: scratch, contents: Array("a,b\n".utf8))
        tar[0] = UInt8(ascii: "s")  // "reference_dataset/…" → "seference_dataset/…", checksum unchanged
        let archive = try gzipWithTool(tar, to: "damaged.tar.gz", scratch: scratch)
        let reader = try TarGzReader(path: archive)
        do {
            _ = try reader.next()
            Issue.record("a damaged header was accepted")
        } catch let error as ArchiveError {
            #expect(error.kind == .corrupt)
            #expect(error.message.contains("checksum"))
        }
        #expect(archiveErrorKind { _ = try reader.next() } == .misuse)
    }

    @Test func rejectsNamesThatEscapeButCanSkipThem() throws {
        let scratch = try TarScratch()
        let archive = scratch.path("evil.tar.gz")
        let script = """
            import io, sys, tarfile
            with tarfile.open(sys.argv[1], "w:gz", format=tarfile.USTAR_FORMAT) as archive:
                for name, data in [("../evil", b"x" * 700), ("good.txt", b"ok"), ("/etc/evil", b"y"),
                                   ("reference_dataset/../../evil", b"z")]:
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    archive.addfile(info, io.BytesIO(data))
            """
        let made = try runTool([systemPython, "-c", script, archive])
        #expect(made.status == 0, "python: \(made.output)")
        let reader = try TarGzReader(path: archive)
        #expect(archiveErrorKind { _ = try reader.next() } == .unsafeName)
        #expect(try reader.next()?.name == "good.txt")
        #expect(try reader.readContents(limit: 10) == Array("ok".utf8))
        #expect(archiveErrorKind { _ = try reader.next() } == .unsafeName)
        #expect(archiveErrorKind { _ = try reader.next() } == .unsafeName)
        #expect(try reader.next() == nil)
    }

    @Test func enforcesTheContentsLimitWithoutLosingTheEntry() throws {
        let scratch = try TarScratch()
        let contents = sampleCSV(minimumBytes: 5000)
        let archive = try gzipWithTool(try Self.plainTar(in: scratch, contents: contents), to: "limit.tar.gz", scratch: scratch)
        let reader = try TarGzReader(path: archive)
        _ = try reader.next()
        #expect(archiveErrorKind { _ = try reader.readContents(limit: 4999) } == .tooLarge)
        #expect(try reader.readContents(limit: contents.count) == contents)
        #expect(archiveErrorKind { _ = try reader.readContents(limit: contents.count) } == .misuse)
        #expect(try reader.next() == nil)
    }

    @Test func rejectsTruncatedAndNonGzipData() throws {
        let scratch = try TarScratch()
        let (archive, _) = try TarGzWriterTests.makeReferenceDataset(in: scratch)
        let compressed = try Array(Data(contentsOf: URL(fileURLWithPath: archive)))
        let truncated = try scratch.write(Array(compressed.prefix(compressed.count / 2)), to: "truncated.tar.gz")
        #expect(archiveErrorKind { _ = try readAll(truncated) } == .corrupt)
        // Cut just before the gzip trailer: every tar byte is there, only the CRC is missing.
        let noTrailer = try scratch.write(Array(compressed.dropLast(8)), to: "no-trailer.tar.gz")
        #expect(archiveErrorKind { _ = try readAll(noTrailer) } == .corrupt)
        let plain = try scratch.write(Array("id,score\n1,2\n".utf8), to: "plain.csv")
        #expect(archiveErrorKind { _ = try readAll(plain) } == .corrupt)
    }

    @Test func readsConcatenatedGzipMembers() throws {
        let scratch = try TarScratch()
        let tar = try Self.plainTar(in: scratch, contents: Array("a,b\n1,2\n".utf8))
        let first = try gzipWithTool(Array(tar.prefix(700)), to: "first.gz", scratch: scratch)
        let second = try gzipWithTool(Array(tar.dropFirst(700)), to: "second.gz", scratch: scratch)
        let joined = try Array(Data(contentsOf: URL(fileURLWithPath: first))) + Array(Data(contentsOf: URL(fileURLWithPath: second)))
        let archive = try scratch.write(joined, to: "joined.tar.gz")
        #expect(try runTool(["gzip", "-t", archive]).status == 0)
        let entries = try readAll(archive)
        #expect(entries.map(\.entry.name) == ["reference_dataset/dataset.csv"])
        #expect(entries.map(\.contents) == [Array("a,b\n1,2\n".utf8)])
    }

    /// GNU tar's base-256 size (how sizes of 8 GiB and more are stored) is understood.
    @Test func readsABase256Size() throws {
        let scratch = try TarScratch()
        let contents = Array("id\n".utf8) + [UInt8](repeating: UInt8(ascii: "7"), count: 997)
        var tar = try Self.plainTar(in: scratch, contents: contents)
        let size = [0x80] + [UInt8](repeating: 0, count: 9) + [UInt8(contents.count >> 8), UInt8(contents.count & 0xFF)]
        tar.replaceSubrange(124..<136, with: size)
        var sum = 0
        for (index, byte) in tar[0..<512].enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        let digits = String(sum, radix: 8)
        tar.replaceSubrange(148..<156, with: Array((String(repeating: "0", count: 6 - digits.count) + digits).utf8) + [0, 32])
        let archive = try gzipWithTool(tar, to: "base256.tar.gz", scratch: scratch)
        #expect(try runTool(["tar", "-tzf", archive]).output == "reference_dataset/dataset.csv\n")
        let entries = try readAll(archive)
        #expect(entries.map(\.entry.size) == [Int64(contents.count)])
        #expect(entries.map(\.contents) == [contents])
    }
}

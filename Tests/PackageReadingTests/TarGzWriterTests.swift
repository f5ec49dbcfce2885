import DropFormats
import Foundation
import PackageReading
import Testing

@Suite struct TarGzWriterTests {
    static let config = Array("name: reference\nlabelColumnName: label\nclassNames: [a, b]\n".utf8)

    /// Writes the reference-dataset layout the Openlayer SDK uploads; the CSV (> 5 MB) goes
    /// through `copying:` so it is streamed.
    static func makeReferenceDataset(in scratch: TarScratch) throws -> (archive: String, csv: [UInt8]) {
        let csv = sampleCSV(minimumBytes: 6 << 20)
        let source = try scratch.write(csv, to: "export.csv")
        let archive = scratch.path("reference.tar.gz")
        let writer = try TarGzWriter(path: archive)
        try writer.addDirectory("reference_dataset/")
        try writer.addFile("reference_dataset/dataset.csv", copying: source)
        try writer.addFile("reference_dataset/dataset_config.yaml", contents: config)
        try writer.finish()
        return (archive, csv)
    }

    @Test func gzipAndGNUTarAcceptTheReferenceDataset() throws {
        let scratch = try TarScratch()
        let (archive, csv) = try Self.makeReferenceDataset(in: scratch)

        let test = try runTool(["gzip", "-t", archive])
        #expect(test.status == 0 && test.output.isEmpty, "gzip -t: \(test.output)")

        let listing = try runTool(["tar", "-tzf", archive])
        #expect(listing.status == 0)
        #expect(listing.output == "reference_dataset/\nreference_dataset/dataset.csv\nreference_dataset/dataset_config.yaml\n")

        let target = scratch.path("extracted")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        let extract = try runTool(["tar", "-xzf", archive, "-C", target])
        #expect(extract.status == 0 && extract.output.isEmpty, "tar -xzf: \(extract.output)")
        #expect(try scratch.read("extracted/reference_dataset/dataset.csv") == csv)
        #expect(try scratch.read("extracted/reference_dataset/dataset_config.yaml") == Self.config)
    }

    @Test func isOneProperGzipMemberAroundUstarHeaders() throws {
        let scratch = try TarScratch()
        let (archive, csv) = try Self.makeReferenceDataset(in: scratch)
        let compressed = try Array(Data(contentsOf: URL(fileURLWithPath: archive)))
        #expect(Array(compressed.prefix(3)) == [0x1F, 0x8B, 0x08])  // gzip magic, deflate

        let tar = try gunzipWithTool(archive, scratch: scratch)
        let padded = { (size: Int) in (size + 511) / 512 * 512 }
        #expect(tar.count == 512 + 512 + padded(csv.count) + 512 + padded(Self.config.count) + 1024)
        let isize = compressed.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(isize == tar.count % (1 << 32))  // RFC 1952 trailer: length of the input
        #expect(tar.suffix(1024).allSatisfy { $0 == 0 })

        func field(_ header: Int, _ range: Range<Int>) -> String {
            String(decoding: tar[(header + range.lowerBound)..<(header + range.upperBound)], as: UTF8.self)
        }
        #expect(field(0, 0..<19) == "reference_dataset/\0")
        #expect(field(0, 100..<108) == "0000755\0")
        #expect(field(0, 156..<157) == "5")
        #expect(field(0, 257..<265) == "ustar\000")
        #expect(field(0, 265..<270) == "root\0")
        let fileHeader = 512
        #expect(field(fileHeader, 100..<108) == "0000644\0")
        #expect(field(fileHeader, 108..<116) == "0000000\0")
        #expect(field(fileHeader, 124..<136) == String(csv.count, radix: 8).leftPadded(to: 11) + "\0")
        #expect(field(fileHeader, 156..<157) == "0")
        // The checksum: six octal digits, NUL, space; the sum with that field as spaces.
        var sum = 0
        for (index, byte) in tar[fileHeader..<(fileHeader + 512)].enumerated() {
            sum += (148..<156).contains(index) ? 32 : Int(byte)
        }
        #expect(field(fileHeader, 148..<156) == String(sum, radix: 8).leftPadded(to: 6) + "\0 ")
    }

    @Test func pythonTarfileListsTheReferenceDataset() throws {
        let scratch = try TarScratch()
        let (archive, csv) = try Self.makeReferenceDataset(in: scratch)
        let script = """
            import sys, tarfile
            with tarfile.open(sys.argv[1], "r:gz") as archive:
                for member in archive:
                    print(member.name, member.size, member.type.decode(), oct(member.mode), member.uname)
            """
        let result = try runTool([systemPython, "-c", script, archive])
        #expect(result.status == 0, "python: \(result.output)")
        #expect(
            result.output == """
                reference_dataset 0 5 0o755 root
                reference_dataset/dataset.csv \(csv.count) 0 0o644 root
                reference_dataset/dataset_config.yaml \(Self.config.count) 0 0o644 root

                """)
    }

    @Test func readsItsOwnArchiveBack() throws {
        let scratch = try TarScratch()
        let (archive, csv) = try Self.makeReferenceDataset(in: scratch)
        let reader = try TarGzReader(path: archive)
        #expect(try reader.next() == TarEntry(name: "reference_dataset/", isDirectory: true, size: 0))
        #expect(try reader.next() == TarEntry(name: "reference_dataset/dataset.csv", isDirectory: false, size: Int64(csv.count)))
        try reader.extractContents(to: scratch.path("dataset.csv"))
        #expect(try scratch.read("dataset.csv") == csv)
        let config = try reader.next()
        #expect(config?.name == "reference_dataset/dataset_config.yaml")
        #expect(try reader.readContents(limit: 1024) == Self.config)
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func longNameGoesIntoTheUstarPrefix() throws {
        let scratch = try TarScratch()
        let directory = "reference_dataset/" + String(repeating: "d", count: 60)
        let name = directory + "/" + String(repeating: "f", count: 67) + ".csv"
        #expect(name.utf8.count == 150)
        let archive = scratch.path("long.tar.gz")
        let writer = try TarGzWriter(path: archive)
        try writer.addFile(name, contents: Array("a,b\n".utf8))
        try writer.finish()

        let listing = try runTool(["tar", "-tzf", archive])
        #expect(listing.status == 0)
        #expect(listing.output == name + "\n")
        let tar = try gunzipWithTool(archive, scratch: scratch)
        #expect(Array(tar[0..<72]) == Array((String(repeating: "f", count: 67) + ".csv\0").utf8))
        #expect(Array(tar[345..<(345 + 79)]) == Array((directory + "\0").utf8))
        let python = try runTool([systemPython, "-c", "import sys, tarfile; print(tarfile.open(sys.argv[1]).getnames()[0])", archive])
        #expect(python.output == name + "\n")
        #expect(try readAll(archive).map(\.entry.name) == [name])
    }

    @Test func refusesUnsafeOrOverlongNamesAndStaysUsable() throws {
        let scratch = try TarScratch()
        let archive = scratch.path("names.tar.gz")
        let writer = try TarGzWriter(path: archive)
        #expect(archiveErrorKind { try writer.addFile("../evil", contents: [1]) } == .unsafeName)
        #expect(archiveErrorKind { try writer.addFile("/etc/evil", contents: [1]) } == .unsafeName)
        #expect(archiveErrorKind { try writer.addDirectory("reference_dataset/../../up") } == .unsafeName)
        #expect(archiveErrorKind { try writer.addFile(String(repeating: "x", count: 101), contents: [1]) } == .unsupported)
        #expect(archiveErrorKind { try writer.addFile("dir/", contents: [1]) } == .misuse)
        try writer.addFile("good.txt", contents: Array("ok".utf8))
        try writer.finish()
        #expect(archiveErrorKind { try writer.addFile("late.txt", contents: []) } == .misuse)
        #expect(try runTool(["tar", "-tzf", archive]).output == "good.txt\n")
    }

    @Test func neverReplacesAnExistingFile() throws {
        let scratch = try TarScratch()
        let existing = try scratch.write(Array("keep me".utf8), to: "existing.tar.gz")
        #expect(archiveErrorKind { _ = try TarGzWriter(path: existing) } == .writeFailed(errno: EEXIST))
        #expect(try scratch.read("existing.tar.gz") == Array("keep me".utf8))
    }

    #if os(Linux)
    /// /proc files stat as empty but read as text: exactly a file that grew after `fstat`.
    @Test func sourceThatChangesWhileCopiedAbandonsTheArchive() throws {
        let scratch = try TarScratch()
        let archive = scratch.path("changing.tar.gz")
        let writer = try TarGzWriter(path: archive)
        try writer.addDirectory("reference_dataset")
        #expect(archiveErrorKind { try writer.addFile("reference_dataset/stat", copying: "/proc/self/stat") } == .sourceChanged)
        #expect(!scratch.exists("changing.tar.gz"))
        #expect(archiveErrorKind { try writer.finish() } == .misuse)
    }
    #endif

    @Test func unfinishedArchiveIsRemoved() throws {
        let scratch = try TarScratch()
        do {
            let writer = try TarGzWriter(path: scratch.path("unfinished.tar.gz"))
            try writer.addFile("a.txt", contents: [1, 2, 3])
            #expect(scratch.exists("unfinished.tar.gz"))
        }
        #expect(!scratch.exists("unfinished.tar.gz"))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

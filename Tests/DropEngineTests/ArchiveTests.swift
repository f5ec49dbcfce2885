@testable import DropEngine
import DropFormats
import Foundation
import Testing

@Suite("Archiving and rejecting files")
struct ArchiveTests {
    static func receipt(_ archived: String) -> Receipt {
        Receipt(
            status: .published, kind: "predictions", mode: "stream", storageUri: nil, unknownInferenceIds: nil, file: "f.csv", pipeline: "fraud", project: "P", inferencePipelineId: "id", format: "csv",
            sha256: "00", bytes: 1, rows: 1, rowsPublished: 1, rowsRejected: 0, rowsDuplicate: 0, rejectedRowsFile: nil, batches: 1,
            inferenceIds: .init(column: "inference_id", source: "file", generated: 0, first: "a", last: "a"),
            timestamps: .init(column: "timestamp", source: "file", filled: 0, defaultValue: nil), duplicateOf: nil,
            startedAt: "s", finishedAt: "f", durationSeconds: 0, archivedAs: archived)
    }

    /// A journal and the placement over it, in `directory`.
    static func placement(in directory: TemporaryDirectory) throws -> (JournaledPlacement, Journal) {
        let directories = DropDirectories(root: directory.path)
        let journal = try Journal(path: directories.journal)
        return (JournaledPlacement(journal: journal, archivist: Archivist(directories: directories)), journal)
    }

    static func claimed(_ path: String, _ journal: Journal) throws -> JournalFile {
        try journal.claim(pipeline: "fraud", kind: .predictions, name: "f.csv", claimedPath: path, size: 1, at: Date())
    }

    @Test("A name already in the archive is never overwritten; the destination is journaled before the move")
    func noOverwrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (placement, journal) = try Self.placement(in: directory)
        let day = Date(timeIntervalSince1970: 1_795_651_200)  // 2026-11-26 UTC
        let folder = placement.archivist.archiveFolder("fraud", at: day)
        #expect(folder == directory.path + "/archive/fraud/2026/11/26")
        var placed: [String] = []
        for content in ["first", "second"] {
            let claimedPath = try directory.write("state/processing/fraud/f.csv", content)
            var file = try Self.claimed(claimedPath, journal)
            let archived = try placement.place(&file, from: claimedPath, in: folder, root: directory.path + "/archive", sidecar: Archivist.receiptSuffix)
            try placement.archivist.writeReceipt(Self.receipt(archived), beside: archived)
            #expect(try journal.unfinishedFile(claimedPath: claimedPath)?.finalPath == archived)
            #expect(!FileManager.default.fileExists(atPath: claimedPath))
            placed.append(archived)
        }
        #expect(placed == [folder + "/f.csv", folder + "/f~2.csv"])
        #expect(try String(contentsOfFile: placed[0], encoding: .utf8) == "first")
        #expect(try String(contentsOfFile: placed[1], encoding: .utf8) == "second")
        let receiptData = try Data(contentsOf: URL(fileURLWithPath: placed[1] + ".receipt.json"))
        #expect(try JSONDecoder().decode(Receipt.self, from: receiptData) == Self.receipt(placed[1]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [
            "f.csv", "f.csv.receipt.json", "f~2.csv", "f~2.csv.receipt.json",
        ])
    }

    @Test("Two files in work never count on the same destination, nor on a name whose receipt is there")
    func reservationsAreExclusive() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (placement, journal) = try Self.placement(in: directory)
        let folder = directory.path + "/archive/fraud/2026/11/26"
        _ = try directory.write("archive/fraud/2026/11/26/f.csv.receipt.json", "{}")  // a receipt whose file was removed
        var first = try Self.claimed(try directory.write("state/processing/fraud/f.csv", "1"), journal)
        var second = try Self.claimed(try directory.write("state/processing/fraud/f~2.csv", "2"), journal)
        try journal.reserveFinalPath(&first) { try placement.archivist.freePath(in: folder, name: "f.csv", sidecar: Archivist.receiptSuffix, isReserved: $0) }
        try journal.reserveFinalPath(&second) { try placement.archivist.freePath(in: folder, name: "f.csv", sidecar: Archivist.receiptSuffix, isReserved: $0) }
        #expect(first.finalPath == folder + "/f~2.csv")
        #expect(second.finalPath == folder + "/f~3.csv")
    }

    @Test("After a crash between the link and the unlink, the file's two names become one: the archived one")
    func bothNamesBecomeOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (placement, journal) = try Self.placement(in: directory)
        let claimedPath = try directory.write("state/processing/fraud/f.csv", "rows")
        var file = try Self.claimed(claimedPath, journal)
        let folder = directory.path + "/archive/fraud/2026/11/26"
        try journal.reserveFinalPath(&file) { try placement.archivist.freePath(in: folder, name: "f.csv", sidecar: Archivist.receiptSuffix, isReserved: $0) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(link(claimedPath, folder + "/f.csv") == 0)

        #expect(JournaledPlacement.currentLocation(of: file) == folder + "/f.csv")
        #expect(!FileManager.default.fileExists(atPath: claimedPath))
        #expect(try placement.place(&file, from: folder + "/f.csv", in: folder, root: directory.path + "/archive", sidecar: Archivist.receiptSuffix)
            == folder + "/f.csv")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["f.csv"])
    }

    @Test("A journaled destination that someone else's file took is given up for the next free name")
    func takenDestinationIsGivenUp() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (placement, journal) = try Self.placement(in: directory)
        let claimedPath = try directory.write("state/processing/fraud/f.csv", "ours")
        var file = try Self.claimed(claimedPath, journal)
        let folder = directory.path + "/archive/fraud/2026/11/26"
        try journal.reserveFinalPath(&file) { try placement.archivist.freePath(in: folder, name: "f.csv", sidecar: Archivist.receiptSuffix, isReserved: $0) }
        _ = try directory.write("archive/fraud/2026/11/26/f.csv", "theirs")

        #expect(JournaledPlacement.currentLocation(of: file) == claimedPath)
        let archived = try placement.place(&file, from: claimedPath, in: folder, root: directory.path + "/archive", sidecar: Archivist.receiptSuffix)
        #expect(archived == folder + "/f~2.csv")
        #expect(try String(contentsOfFile: folder + "/f.csv", encoding: .utf8) == "theirs")
        #expect(try String(contentsOfFile: archived, encoding: .utf8) == "ours")
        #expect(try journal.unfinishedFile(claimedPath: claimedPath)?.finalPath == archived)
    }

    @Test("Collision names keep the extension", arguments: [
        ("a.csv", 1, "a.csv"), ("a.csv", 2, "a~2.csv"), ("a.b.jsonl", 3, "a.b~3.jsonl"), ("noext", 2, "noext~2"),
    ])
    func candidates(_ name: String, _ attempt: Int, _ expected: String) {
        #expect(NoOverwriteMove.candidate(name, attempt) == expected)
    }

    @Test("A stray file goes to rejected/ beside its reason")
    func strayFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let archivist = Archivist(directories: DropDirectories(root: directory.path))
        let stray = try directory.write("inbox/x.csv", "a,b\n1,2\n")
        let report = try archivist.rejectUnroutable(stray, folder: "_inbox", reason: "files belong in a pipeline's folder", at: Date())
        #expect(report == directory.path + "/rejected/_inbox/x.csv.rejection.txt")
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("x.csv: files belong in a pipeline's folder"))
        #expect(try String(contentsOfFile: directory.path + "/rejected/_inbox/x.csv", encoding: .utf8) == "a,b\n1,2\n")
    }
}

extension ArchiveTests {
    @Test("A row that is not valid UTF-8 is set aside with its bytes unchanged")
    func invalidUTF8RowKeepsItsBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/latin1.csv"
        let row: [UInt8] = Array("12.5,\"caf".utf8) + [0xE9] + Array(", au lait\",3\n".utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(Array("amount,merchant,hour\n".utf8) + row)))
        let reader = try CSVReader(path: path, maxRecordBytes: 1 << 20)
        _ = try reader.nextFields()
        let line = try #require(try reader.nextFields())
        let record = reader.withFields { SourceRecord(line: line, $0) }
        guard case .csvWithInvalidUTF8(_, _, let field) = record else { Issue.record("read as \(record)"); return }
        #expect(field == 1)

        let rejects = RejectedRowsWriter(claimedPath: path, format: .csv, header: ["amount", "merchant", "hour"])
        try rejects.append(record, reason: "invalid UTF-8")
        #expect(try rejects.close())
        let written = try #require(FileManager.default.contents(atPath: RejectedRowsWriter.partialPath(claimedPath: path)))
        #expect(Array(written) == Array("_line,_reason,amount,merchant,hour\n2,invalid UTF-8,".utf8) + row)
    }
}

extension ArchiveTests {
    @Test("The rejected rows of rows.csv and of rows.csv.gz are both rows.rejected.csv, written plain", arguments: ["rows.csv", "rows.csv.gz"])
    func rejectedRowsName(_ name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let claimed = try directory.write("state/processing/fraud/" + name, "")
        let rejects = RejectedRowsWriter(claimedPath: claimed, format: .csv, header: ["a"])
        try rejects.append(.csv(line: 2, fields: ["x"]), reason: "bad")
        #expect(try rejects.close())
        let delivered = try RejectedRowsWriter.deliver(claimedPath: claimed, format: .csv, into: directory.path + "/rejected/fraud", fileName: name)
        #expect(delivered == directory.path + "/rejected/fraud/rows.rejected.csv")
    }
}

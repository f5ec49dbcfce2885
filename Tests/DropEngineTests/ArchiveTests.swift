@testable import DropEngine
import Foundation
import Testing

@Suite("Archiving and rejecting files")
struct ArchiveTests {
    static func receipt(_ archived: String) -> Receipt {
        Receipt(
            status: "published", kind: "predictions", mode: "stream", storageUri: nil, unknownInferenceIds: nil, file: "f.csv", pipeline: "fraud", project: "P", inferencePipelineId: "id", format: "csv",
            sha256: "00", bytes: 1, rows: 1, rowsPublished: 1, rowsRejected: 0, rowsDuplicate: 0, rejectedRowsFile: nil, batches: 1,
            inferenceIds: .init(column: "inference_id", source: "file", generated: 0, first: "a", last: "a"),
            timestamps: .init(column: "timestamp", source: "file", filled: 0, defaultValue: nil), duplicateOf: nil,
            startedAt: "s", finishedAt: "f", durationSeconds: 0, archivedAs: archived)
    }

    @Test("A name already in the archive is never overwritten")
    func noOverwrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let archivist = Archivist(directories: DropDirectories(root: directory.path))
        let day = Date(timeIntervalSince1970: 1_795_651_200)  // 2026-11-26 UTC
        let first = try directory.write("inbox/fraud/f.csv", "first")
        let (firstArchived, _) = try archivist.archive(first, pipeline: "fraud", at: day, receipt: Self.receipt)
        let second = try directory.write("inbox/fraud/f.csv", "second")
        let (secondArchived, secondReceipt) = try archivist.archive(second, pipeline: "fraud", at: day, receipt: Self.receipt)

        let folder = directory.path + "/archive/fraud/2026/11/26"
        #expect(firstArchived == folder + "/f.csv")
        #expect(secondArchived == folder + "/f~2.csv")
        #expect(try String(contentsOfFile: firstArchived, encoding: .utf8) == "first")
        #expect(try String(contentsOfFile: secondArchived, encoding: .utf8) == "second")
        #expect(secondReceipt.archivedAs == secondArchived)
        let receiptData = try Data(contentsOf: URL(fileURLWithPath: secondArchived + ".receipt.json"))
        #expect(try JSONDecoder().decode(Receipt.self, from: receiptData) == secondReceipt)
        #expect(!FileManager.default.fileExists(atPath: first))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [
            "f.csv", "f.csv.receipt.json", "f~2.csv", "f~2.csv.receipt.json",
        ])
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

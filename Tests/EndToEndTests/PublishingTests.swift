import DropEngine
import DropJSON
import Foundation
import Testing

/// The product's spine, exercised the way a user runs it: the real `openlayer-sandbox` and
/// `openlayer-drop watch` binaries on loopback, real files in a real inbox.
@Suite("End to end through the real binaries", .serialized, .timeLimit(.minutes(3)))
struct PublishingTests {
    static let predictionsCSV = #"""
        amount,merchant,hour,prediction,scores,label
        12.5,fuel,3,0,"[0.9, 0.1]",0
        880.0,"electronics, online",23,1,"[0.2, 0.8]",1
        4,grocery,9,0,"[0.95, 0.05]",
        "19.99","café ""le coin""",12,0,"[0.7, 0.3]",0
        250.75,fuel,2,1,"[0.4, 0.6]",1
        """#

    static let streamJSONL = """
        {"inference_id": "evt-001", "timestamp": 1764115200, "amount": 10, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.8, 0.2]}
        {"inference_id": "evt-002", "timestamp": 1764115260, "amount": 99.5, "merchant": "travel", "hour": 2, "prediction": 1, "scores": [0.3, 0.7]}

        {"inference_id": "evt-003", "timestamp": 1764115320, "amount": 5, "merchant": "fuel", "hour": 3, "prediction": 0, "scores": [0.6, 0.4], "label": 0}
        """

    @Test("A CSV dropped by rename and a JSONL written in place are published once each, typed, and archived with receipts")
    func publishesAndArchives() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["batchRows: 2"])
        defer { workspace.remove() }
        try await workspace.startWatcher()

        let modified = Date(timeIntervalSince1970: 1_764_100_000)
        try workspace.dropByRename("fraud-2026-11-26.csv", Self.predictionsCSV, modified: modified)
        try await workspace.dropInPlace("stream.jsonl", Self.streamJSONL)
        try await eventually("both receipts\n\(workspace.log)") { workspace.receipts().count == 2 }

        let receipts = workspace.receipts()
        let csvReceipt = try #require(receipts["fraud-2026-11-26.csv"])
        let jsonlReceipt = try #require(receipts["stream.jsonl"])
        guard case .string(let pipelineId)? = csvReceipt["inferencePipelineId"] else { Issue.record("no pipeline id"); return }
        #expect(jsonlReceipt["inferencePipelineId"] == .string(pipelineId))

        // The pipeline's blocking work ran on threads of its own, named for it: one per worker
        // (by default a core each, up to 4), at least two.
        let pid = try #require(workspace.watcher?.process.processIdentifier)
        let threadNames = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").compactMap {
            try? String(contentsOfFile: "/proc/\(pid)/task/\($0)/comm", encoding: .utf8)
        }
        let workers = min(4, ProcessInfo.processInfo.activeProcessorCount)
        #expect(threadNames.filter { $0.hasPrefix("drop fraud") }.count == max(2, workers))

        // Every row arrived exactly once.
        let rows = try await sandbox.rows(pipelineId: pipelineId)
        #expect(rows.count == 8)
        let ids = rows.compactMap { if case .string(let id)? = $0["inference_id"] { id } else { nil } }
        #expect(ids.count == 8)
        #expect(Set(ids).count == 8)

        // CSV rows: typed by the config, ids derived from the file's SHA-256, timestamps from its mtime.
        let digest = try #require(Self.bytes(hex: csvReceipt["sha256"]))
        let generator = InferenceIdGenerator(fileDigest: digest)
        let expectedIds = (1...5).map { JSONValue.string(generator.id(forRow: $0)) }
        // Batches travel concurrently, so rows are put back in file order by their ids.
        let csvRows = rows.filter { expectedIds.contains($0["inference_id"] ?? .null) }
            .sorted { expectedIds.firstIndex(of: $0["inference_id"]!)! < expectedIds.firstIndex(of: $1["inference_id"]!)! }
        #expect(csvRows.count == 5)
        #expect(csvRows.map { $0["inference_id"] } == expectedIds)
        #expect(csvRows.map { $0["amount"] } == [.double(12.5), .double(880), .double(4), .double(19.99), .double(250.75)])
        #expect(csvRows.map { $0["merchant"] } == [.string("fuel"), .string("electronics, online"), .string("grocery"), .string("café \"le coin\""), .string("fuel")])
        #expect(csvRows.map { $0["hour"] } == [.integer(3), .integer(23), .integer(9), .integer(12), .integer(2)])
        #expect(csvRows.map { $0["prediction"] } == [.integer(0), .integer(1), .integer(0), .integer(0), .integer(1)])
        #expect(csvRows[1]["scores"] == .array([.double(0.2), .double(0.8)]))
        #expect(csvRows[2]["label"] == .null)
        #expect(csvRows.allSatisfy { $0["timestamp"] == .integer(1_764_100_000) })

        // JSONL rows keep their own ids and timestamps.
        let jsonlRows = rows.filter { if case .string(let id)? = $0["inference_id"] { id.hasPrefix("evt-") } else { false } }
            .sorted { "\($0["inference_id"]!)" < "\($1["inference_id"]!)" }
        #expect(jsonlRows.map { $0["inference_id"] } == [.string("evt-001"), .string("evt-002"), .string("evt-003")])
        #expect(jsonlRows.map { $0["timestamp"] } == [.integer(1_764_115_200), .integer(1_764_115_260), .integer(1_764_115_320)])
        #expect(jsonlRows[0]["amount"] == .double(10))

        // Batches of at most two rows: 3 requests for the CSV, 2 for the JSONL.
        let requests = try await sandbox.dataRequests(pipelineId: pipelineId)
        #expect(requests.count == 5)
        #expect(requests.allSatisfy { if case .integer(let count)? = $0["rowCount"] { count <= 2 } else { false } })

        // The receipts say what was published, and the archived file is the dropped file.
        #expect(csvReceipt["rows"] == .integer(5))
        #expect(csvReceipt["rowsPublished"] == .integer(5))
        #expect(csvReceipt["batches"] == .integer(3))
        guard case .object(let idInfo)? = csvReceipt["inferenceIds"], case .object(let timeInfo)? = csvReceipt["timestamps"] else {
            Issue.record("receipt lacks id or timestamp info"); return
        }
        #expect(idInfo["source"] == .string("generated"))
        #expect(idInfo["first"] == .string(generator.id(forRow: 1)))
        #expect(idInfo["last"] == .string(generator.id(forRow: 5)))
        #expect(timeInfo["source"] == .string("fileModificationTime"))
        #expect(timeInfo["defaultValue"] == .integer(1_764_100_000))
        #expect(jsonlReceipt["rowsPublished"] == .integer(3))
        guard case .string(let archived)? = csvReceipt["archivedAs"] else { Issue.record("no archivedAs"); return }
        #expect(archived.hasPrefix(workspace.archive + "/"))
        let archivedBytes = try Data(contentsOf: URL(fileURLWithPath: archived))
        #expect(String(decoding: archivedBytes, as: UTF8.self) == Self.predictionsCSV)
        #expect(csvReceipt["sha256"] == .string(Self.sha256sum(archived)))
        #expect(csvReceipt["bytes"] == .integer(Int64(archivedBytes.count)))
        #expect(workspace.waitingFiles.isEmpty)
        #expect(!workspace.log.contains(sandbox.apiKey))
    }

    @Test("A file missing a required column goes to rejected/ with a readable reason, and none of its rows is sent")
    func rejectsMissingColumn() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()

        try workspace.dropByRename("no-merchant.csv", "amount,hour,prediction,scores\n1.0,3,0,\"[0.9, 0.1]\"\n")
        try workspace.dropByRename("bad-value.csv", Self.predictionsCSV.replacingOccurrences(of: "880.0", with: "eight hundred"))
        try await eventually("two reports\n\(workspace.log)") {
            workspace.files(in: workspace.rejected).filter { $0.hasSuffix(".rejection.txt") }.count == 2
        }
        #expect(workspace.files(in: workspace.rejected) == [
            "bad-value.csv", "bad-value.csv.rejection.txt", "no-merchant.csv", "no-merchant.csv.rejection.txt",
        ])
        let missing = try String(contentsOfFile: workspace.rejected + "/no-merchant.csv.rejection.txt", encoding: .utf8)
        #expect(missing.contains("missing required column 'merchant'"))
        #expect(missing.contains("no row of it was sent"))
        let badValue = try String(contentsOfFile: workspace.rejected + "/bad-value.csv.rejection.txt", encoding: .utf8)
        #expect(badValue.contains("bad-value.csv:3:1: column 'amount': expected a number, found 'eight hundred'"))
        // The dropped bytes are kept untouched.
        #expect(try String(contentsOfFile: workspace.rejected + "/no-merchant.csv", encoding: .utf8).hasPrefix("amount,hour"))
        #expect(try await sandbox.dataRequests().isEmpty)
        #expect(workspace.waitingFiles.isEmpty)
    }

    @Test("Files dropped while the watcher was stopped are processed when it starts")
    func processesFilesPresentAtStart() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try workspace.dropByRename("early-1.csv", Self.predictionsCSV)
        try workspace.dropByRename("early-2.jsonl", Self.streamJSONL)
        try await workspace.startWatcher()

        try await eventually("both receipts\n\(workspace.log)") { workspace.receipts().count == 2 }
        guard case .string(let pipelineId)? = workspace.receipts()["early-1.csv"]?["inferencePipelineId"] else {
            Issue.record("no receipt for early-1.csv"); return
        }
        #expect(try await sandbox.rows(pipelineId: pipelineId).count == 8)
        #expect(workspace.waitingFiles.isEmpty)
    }

    static func bytes(hex value: JSONValue?) -> [UInt8]? {
        guard case .string(let hex)? = value, hex.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// The digest as coreutils computes it, independent of the service's own code.
    static func sha256sum(_ path: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let output = Pipe()
        process.standardOutput = output
        try? process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return String(text.prefix(64))
    }
}

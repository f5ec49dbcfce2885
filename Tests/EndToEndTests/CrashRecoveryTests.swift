import DropJSON
import Foundation
import Testing

/// kill -9 of the watcher at several moments of a large file. The promise: after restarts,
/// every row is there; a row received twice carries the same inference id and came from a
/// batch in flight at a kill (at most `maxBatchesInFlight` of them per kill).
@Suite("Crash recovery through the real binaries", .serialized, .timeLimit(.minutes(10)))
struct CrashRecoveryTests {
    static let rowCount = 200_000
    static let maxBatchesInFlight = 2

    @Test("kill -9 while a 200k-row file is checked and published loses nothing")
    func killNine() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["mode: stream", "batchRows: 1000", "maxBatchesInFlight: \(Self.maxBatchesInFlight)"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try workspace.dropByRename("big.csv", DeliveryTests.csv(rows: Self.rowCount))

        var kills = 0
        // First while the file is being checked (no request yet), then at three points of the publish.
        try await eventually("the claim") { workspace.files(in: workspace.root + "/state/processing/fraud").contains("big.csv") }
        try await killAndRestart(workspace, &kills)
        for threshold in [30_000, 90_000, 150_000] {
            try await eventually(timeout: .seconds(240), "\(threshold) rows acknowledged\n\(workspace.log.suffix(2000))") {
                try await Self.acknowledgedRows(sandbox) >= threshold || !workspace.receipts().isEmpty
            }
            guard workspace.receipts().isEmpty else { break }
            try await killAndRestart(workspace, &kills)
        }
        try await eventually(timeout: .seconds(240), "the receipt\n\(workspace.log.suffix(2000))") { workspace.receipts()["big.csv"] != nil }

        let receipt = try #require(workspace.receipts()["big.csv"])
        guard case .string(let pipelineId)? = receipt["inferencePipelineId"] else { Issue.record("no pipeline id"); return }
        let received = try await sandbox.receivedRows(pipelineId: pipelineId)
        var copies: [String: [(row: JSONObject, requestId: String)]] = [:]
        for item in received {
            guard case .string(let id)? = item.row["inference_id"] else { Issue.record("a row without id"); continue }
            copies[id, default: []].append(item)
        }
        let duplicated = copies.filter { $0.value.count > 1 }
        let requestsResent = Set(duplicated.values.map { $0[0].requestId })
        print("kill -9 test: \(kills) kills, \(received.count) rows received, \(copies.count) distinct, \(received.count - copies.count) received twice, from \(requestsResent.count) requests in flight")

        #expect(copies.count == Self.rowCount)
        #expect(receipt["rowsPublished"] == .integer(Int64(Self.rowCount)))
        #expect(duplicated.values.allSatisfy { $0.count == 2 && $0[0].row == $0[1].row })
        #expect(requestsResent.count <= kills * Self.maxBatchesInFlight)
        // Every merchant m1…m200000 is there: the ids cover the file, not just some rows twice.
        let merchants = Set(received.compactMap { if case .string(let m)? = $0.row["merchant"] { m } else { nil } })
        #expect(merchants.count == Self.rowCount)
    }

    @Test("Killed between a file's move and its receipt or report, or before the journal says so: a restart leaves one copy, one receipt or report, and a journal that agrees",
        arguments: ["archive-linked", "archive-moved", "archive-receipt", "reject-moved", "reject-report"])
    func killedWhilePlacing(step: String) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        let rejecting = step.hasPrefix("reject")
        try await workspace.startWatcher(environment: ["OPENLAYER_DROP_CRASH_AT": step])
        // A file missing a required column is rejected whole; a valid one is published.
        try workspace.dropByRename("f.csv", rejecting ? "amount,merchant\n1,a\n" : DeliveryTests.csv(rows: 20))
        let watcher = try #require(workspace.watcher)
        try await eventually("the kill at \(step)\n\(workspace.log)") { !watcher.isRunning }
        watcher.process.waitUntilExit()
        #expect(watcher.process.terminationReason == .uncaughtSignal && watcher.process.terminationStatus == SIGKILL, "killed at \(step)\n\(workspace.log)")
        workspace.stopWatcher()

        try await workspace.startWatcher()
        let status = try await eventuallyFound("the journal to finish the file\n\(workspace.log)") { () -> JSONObject? in
            let run = try CommandTests.run(["status", "--config", workspace.configPath, "--json"])
            guard run.status == 0 else {
                Issue.record("status failed while the service ran: \(run.errors)")
                return nil
            }
            guard case .array(let items) = try JSONParser.parse(run.output), case .object(let fraud)? = items.first,
                fraud[rejecting ? "rejectedToday" : "publishedToday"] == .integer(1) else { return nil }
            return fraud
        }
        #expect(status["publishedNotArchived"] == .integer(0), "\(status)\n\(workspace.log)")
        #expect(workspace.files(in: workspace.root + "/state/processing/fraud").filter { !$0.hasPrefix(".") && $0 != "ground-truths" && $0 != "reference" }.isEmpty)
        if rejecting {
            #expect(workspace.files(in: workspace.rejected).filter { $0.hasPrefix("f") } == ["f.csv", "f.csv.rejection.txt"])
            #expect(try String(contentsOfFile: workspace.rejected + "/f.csv.rejection.txt", encoding: .utf8).contains("hour"))
            #expect(try await sandbox.dataRequests().isEmpty)
        } else {
            let everything = FileManager.default.enumerator(atPath: workspace.archive)?.allObjects as? [String] ?? []
            #expect(everything.filter { $0.hasSuffix(".csv") || $0.hasSuffix(".json") }.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted()
                == ["f.csv", "f.csv.receipt.json"])
            #expect(workspace.receipts()["f.csv"]?["rowsPublished"] == .integer(20))
            #expect(try await Self.acknowledgedRows(sandbox) == 20, "every row sent once\n\(workspace.log)")
        }
    }

    func killAndRestart(_ workspace: DropWorkspace, _ kills: inout Int) async throws {
        let watcher = try #require(workspace.watcher)
        watcher.signal(SIGKILL)
        workspace.stopWatcher()
        kills += 1
        try await workspace.startWatcher()
    }

    static func acknowledgedRows(_ sandbox: Sandbox) async throws -> Int {
        try await sandbox.dataRequests().reduce(0) { total, request in
            guard request["status"] == .integer(200), case .integer(let rows)? = request["rowCount"] else { return total }
            return total + Int(rows)
        }
    }
}

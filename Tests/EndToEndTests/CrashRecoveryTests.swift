import DropFormats
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

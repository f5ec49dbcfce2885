import DropJSON
import Foundation
import Testing

/// The delivery promise under injected faults: every row published exactly once or set aside
/// with a reason, whatever the API, the network or the disk does.
@Suite("Delivery under faults, through the real binaries", .serialized, .timeLimit(.minutes(3)))
struct DeliveryTests {
    /// `count` rows for the fraud pipeline; merchant `m<n>` tells rows apart; `bad` lines
    /// (1-based data rows) get a non-number amount.
    static func csv(rows count: Int, bad: Set<Int> = []) -> String {
        var text = "amount,merchant,hour,prediction,scores\n"
        for index in 1...count {
            text += "\(bad.contains(index) ? "12 EUR" : "\(index).25"),m\(index),\(index % 24),\(index % 2),\"[0.5, 0.5]\"\n"
        }
        return text
    }

    static func pipelineId(_ workspace: DropWorkspace, _ file: String) throws -> String {
        guard case .string(let id)? = workspace.receipts()[file]?["inferencePipelineId"] else {
            throw TimedOut(what: "a receipt for \(file)")
        }
        return id
    }

    /// Merchant names of the stored rows, with how often each arrived.
    static func arrivals(_ rows: [JSONObject]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in rows { if case .string(let merchant)? = row["merchant"] { counts[merchant, default: 0] += 1 } }
        return counts
    }

    static func statuses(_ requests: [JSONObject]) -> [Int64] {
        requests.compactMap { if case .integer(let status)? = $0["status"] { status } else { nil } }
    }

    @Test("An outage (503s, then refused connections) delays the file; afterwards every row is there exactly once")
    func outage() async throws {
        let database = NSTemporaryDirectory() + "sandbox-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: database) }
        var sandbox = try Sandbox(databasePath: database)
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["batchRows: 2"])
        defer { workspace.remove() }
        try await workspace.startWatcher()

        try await sandbox.setFaults(#"{"failNext": 100000, "status": 503}"#)
        try workspace.dropByRename("outage.csv", Self.csv(rows: 10))
        try await eventually("three 503s") { Self.statuses(try await sandbox.dataRequests()).filter { $0 == 503 }.count >= 3 }
        sandbox.stop()
        try await Task.sleep(for: .seconds(2))
        #expect(workspace.receipts().isEmpty)
        #expect(workspace.files(in: workspace.rejected).isEmpty)
        sandbox = try sandbox.restarted()

        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["outage.csv"] != nil }
        let rows = try await sandbox.rows(pipelineId: try Self.pipelineId(workspace, "outage.csv"))
        #expect(Self.arrivals(rows) == Dictionary(uniqueKeysWithValues: (1...10).map { ("m\($0)", 1) }))
        #expect(workspace.log.contains("requests to Openlayer are failing"))
        #expect(workspace.log.contains("the API answers again"))
        #expect(workspace.receipts()["outage.csv"]?["rowsPublished"] == .integer(10))
    }

    @Test("A 429 with Retry-After: 2 is retried no sooner than 2 s later")
    func retryAfter() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try await sandbox.setFaults(#"{"failNext": 1, "status": 429, "retryAfter": "2"}"#)
        try workspace.dropByRename("limited.csv", Self.csv(rows: 3))
        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["limited.csv"] != nil }

        let requests = try await sandbox.dataRequests(pipelineId: try Self.pipelineId(workspace, "limited.csv"))
        #expect(Self.statuses(requests) == [429, 200])
        guard case .integer(let refused)? = requests.first?["receivedAtMs"], case .integer(let retried)? = requests.last?["receivedAtMs"] else {
            Issue.record("no request times"); return
        }
        print("429 then retry after \(retried - refused) ms")
        #expect(retried - refused >= 2000)
    }

    @Test("The same content dropped twice is published once; the second is archived as a duplicate")
    func duplicate() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        let content = Self.csv(rows: 4)
        try workspace.dropByRename("first.csv", content)
        try await eventually("the first receipt\n\(workspace.log)") { workspace.receipts()["first.csv"] != nil }
        try workspace.dropByRename("again.csv", content)
        try await eventually("the second receipt\n\(workspace.log)") { workspace.receipts()["again.csv"] != nil }

        let again = try #require(workspace.receipts()["again.csv"])
        #expect(again["status"] == .string("duplicate"))
        // The counts add up for a script reading receipts: rows = published + rejected + duplicate.
        #expect(again["rows"] == .integer(4))
        #expect(again["rowsPublished"] == .integer(0))
        #expect(again["rowsRejected"] == .integer(0))
        #expect(again["rowsDuplicate"] == .integer(4))
        #expect(workspace.receipts()["first.csv"]?["rowsDuplicate"] == .integer(0))
        guard case .object(let first)? = again["duplicateOf"] else { Issue.record("no duplicateOf"); return }
        #expect(first["file"] == .string("first.csv"))
        let rows = try await sandbox.rows(pipelineId: try Self.pipelineId(workspace, "first.csv"))
        #expect(rows.count == 4)
    }

    @Test("A file renamed into the inbox is taken at once; one written in place waits to settle")
    func renamedFilesSkipTheSettleWait() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        var service = DropWorkspace.quickService
        service[0] = "settleSeconds: 20"
        let workspace = try DropWorkspace(sandbox: sandbox, serviceSettings: service)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        let clock = ContinuousClock()
        let dropped = clock.now
        try workspace.dropByRename("renamed.csv", Self.csv(rows: 3))
        try await workspace.dropInPlace("in-place.csv", Self.csv(rows: 4))
        try await eventually(timeout: .seconds(10), "the renamed file's receipt\n\(workspace.log)") {
            workspace.receipts()["renamed.csv"] != nil
        }
        #expect(clock.now - dropped < .seconds(10))
        // The file written in place is still settling.
        #expect(workspace.receipts()["in-place.csv"] == nil)
        #expect(workspace.waitingFiles.contains("in-place.csv"))
    }

    @Test("A file still being written is taken only once it is quiet")
    func growingFile() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, serviceSettings: ["settleSeconds: 1.5"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        // Three open–write–close rounds, 0.5 s apart: each close is an IN_CLOSE_WRITE.
        let lines = Self.csv(rows: 30).split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "\n" }
        let path = workspace.inbox + "/growing.csv"
        for (index, part) in [lines[0..<11], lines[11..<21], lines[21..<31]].enumerated() {
            let handle = try DropWorkspace.openForWriting(path, appending: index > 0)
            try handle.write(contentsOf: Data(part.joined().utf8))
            try handle.close()
            try await Task.sleep(for: .milliseconds(500))
        }
        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["growing.csv"] != nil }
        #expect(workspace.receipts()["growing.csv"]?["rows"] == .integer(30))
        #expect(workspace.receipts()["growing.csv"]?["rowsPublished"] == .integer(30))
        #expect(workspace.files(in: workspace.rejected).isEmpty)
    }

    @Test("A 400 on one batch sets its rows aside with the server's message; the others are published")
    func refusedBatch() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["batchRows: 2", "maxBatchesInFlight: 1"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try await sandbox.setFaults(#"{"failNext": 1, "status": 400, "message": "rows[0]: not valid under any of the given schemas"}"#)
        try workspace.dropByRename("refused.csv", Self.csv(rows: 6))
        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["refused.csv"] != nil }

        let receipt = try #require(workspace.receipts()["refused.csv"])
        #expect(receipt["rows"] == .integer(6))
        #expect(receipt["rowsPublished"] == .integer(4))
        #expect(receipt["rowsRejected"] == .integer(2))
        guard case .string(let rejectedFile)? = receipt["rejectedRowsFile"] else { Issue.record("no rejected rows file"); return }
        #expect(rejectedFile == workspace.rejected + "/refused.rejected.csv")
        let rejected = try String(contentsOfFile: rejectedFile, encoding: .utf8).split(separator: "\n")
        #expect(rejected.count == 3)
        #expect(rejected[0] == "_line,_reason,amount,merchant,hour,prediction,scores")
        #expect(rejected[1].hasPrefix("2,refused by Openlayer: POST /inference-pipelines/"))
        #expect(rejected[1].contains("answered 400: rows[0]: not valid under any of the given schemas"))
        #expect(rejected[1].hasSuffix(",1.25,m1,1,1,\"[0.5, 0.5]\""))
        #expect(rejected[2].hasPrefix("3,"))
        let rows = try await sandbox.rows(pipelineId: try Self.pipelineId(workspace, "refused.csv"))
        #expect(Self.arrivals(rows) == ["m3": 1, "m4": 1, "m5": 1, "m6": 1])
    }

    @Test("A bulk upload Openlayer refuses sends every valid row to the rejected rows with its message; the invalid ones keep theirs")
    func refusedBulkUpload() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["mode: bulk", "maxInvalidRowFraction: 0.5"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try await sandbox.setFaults(#"{"failNext": 1, "status": 400, "message": "dataset does not match the config"}"#)
        try workspace.dropByRename("refused-bulk.csv", Self.csv(rows: 5, bad: [2]))
        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["refused-bulk.csv"] != nil }

        let receipt = try #require(workspace.receipts()["refused-bulk.csv"])
        #expect(receipt["mode"] == .string("bulk"))
        #expect(receipt["rowsPublished"] == .integer(0))
        #expect(receipt["rowsRejected"] == .integer(5))
        let rejected = try String(contentsOfFile: workspace.rejected + "/refused-bulk.rejected.csv", encoding: .utf8).split(separator: "\n")
        #expect(rejected.count == 6)
        #expect(rejected.dropFirst().filter { $0.contains("dataset does not match the config") }.count == 4)
        #expect(rejected.dropFirst().filter { $0.contains("expected a number") }.count == 1)
        #expect(try await sandbox.rows(pipelineId: try Self.pipelineId(workspace, "refused-bulk.csv")).isEmpty)
    }

    @Test("Invalid rows below maxInvalidRowFraction are set aside; above it the whole file is")
    func invalidRows() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try workspace.dropByRename("few-bad.csv", Self.csv(rows: 20, bad: [7]))
        try workspace.dropByRename("many-bad.csv", Self.csv(rows: 20, bad: [1, 2, 3]))
        try await eventually("a receipt and a rejection\n\(workspace.log)") {
            workspace.receipts()["few-bad.csv"] != nil && workspace.files(in: workspace.rejected).contains("many-bad.csv.rejection.txt")
        }
        let receipt = try #require(workspace.receipts()["few-bad.csv"])
        #expect(receipt["rowsPublished"] == .integer(19))
        #expect(receipt["rowsRejected"] == .integer(1))
        let rejectedRows = try String(contentsOfFile: workspace.rejected + "/few-bad.rejected.csv", encoding: .utf8)
        #expect(rejectedRows.contains("8,\"column 'amount': expected a number, found '12 EUR' — write plain numbers"))
        #expect(rejectedRows.contains("\",12 EUR,m7,"))
        let report = try String(contentsOfFile: workspace.rejected + "/many-bad.csv.rejection.txt", encoding: .utf8)
        #expect(report.contains("3 of 20 rows (15.0%) are invalid, more than maxInvalidRowFraction (0.1)"))
        #expect(try String(contentsOfFile: workspace.rejected + "/many-bad.csv", encoding: .utf8) == Self.csv(rows: 20, bad: [1, 2, 3]))
        let rows = try await sandbox.rows(pipelineId: try Self.pipelineId(workspace, "few-bad.csv"))
        #expect(rows.count == 19)
    }

    @Test("A refused key pauses the pipeline without rejecting anything; publishing resumes by itself")
    func refusedKey() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try await sandbox.setFaults(#"{"unauthorized": true}"#)
        try workspace.dropByRename("paused.csv", Self.csv(rows: 5))
        try await eventually("the pause\n\(workspace.log)") { workspace.log.contains("the API key is refused") }
        try await Task.sleep(for: .seconds(1.5))
        #expect(workspace.files(in: workspace.rejected).isEmpty)
        #expect(workspace.receipts().isEmpty)
        let refused = Self.statuses(try await sandbox.dataRequests())
        #expect(refused.count >= 2 && refused.allSatisfy { $0 == 401 })
        // Said once, not once per attempt.
        #expect(workspace.log.components(separatedBy: "the API key is refused").count == 2)

        try await sandbox.setFaults("{}")
        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["paused.csv"] != nil }
        #expect(workspace.log.contains("the API key is accepted again"))
        let rows = try await sandbox.rows(pipelineId: try Self.pipelineId(workspace, "paused.csv"))
        #expect(rows.count == 5)
    }

    @Test("SIGTERM during a publish exits 0 within the deadline, and nothing is lost after a restart")
    func gracefulShutdown() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["batchRows: 2"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try await sandbox.setFaults(#"{"latencyMs": 300}"#)
        try workspace.dropByRename("long.csv", Self.csv(rows: 60))
        try await eventually("a few requests") { try await sandbox.dataRequests().count >= 4 }

        let watcher = try #require(workspace.watcher)
        let clock = ContinuousClock()
        let signalled = clock.now
        watcher.signal(SIGTERM)
        let status = watcher.stop(grace: 15)
        let took = clock.now - signalled
        print("SIGTERM to exit: \(took)")
        #expect(status == 0)
        #expect(took < .seconds(10))
        #expect(workspace.log.contains("stopped mid-file"))
        #expect(workspace.receipts().isEmpty)

        try await sandbox.setFaults("{}")
        try await workspace.startWatcher()
        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["long.csv"] != nil }
        let rows = try await sandbox.rows(pipelineId: try Self.pipelineId(workspace, "long.csv"))
        // Requests in flight finished before the exit and were journaled: nothing twice.
        #expect(Self.arrivals(rows) == Dictionary(uniqueKeysWithValues: (1...60).map { ("m\($0)", 1) }))
    }

    @Test("When the archive cannot be written, the file waits published-not-archived and is never sent again")
    func archiveFault() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        // The archive folder replaced by a plain file: every move into it fails (ENOTDIR).
        let archiveRoot = workspace.root + "/archive"
        try FileManager.default.removeItem(atPath: archiveRoot)
        #expect(FileManager.default.createFile(atPath: archiveRoot, contents: Data("in the way".utf8)))
        try workspace.dropByRename("stuck.csv", Self.csv(rows: 5))
        try await eventually("the held-back file\n\(workspace.log)") {
            workspace.log.components(separatedBy: "the file is held back").count > 2
        }
        let requests = try await sandbox.dataRequests()
        #expect(Self.statuses(requests) == [200])
        #expect(workspace.files(in: workspace.root + "/state/processing/fraud").contains("stuck.csv"))

        try FileManager.default.removeItem(atPath: archiveRoot)
        try FileManager.default.createDirectory(atPath: archiveRoot, withIntermediateDirectories: true)
        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["stuck.csv"] != nil }
        #expect(try await sandbox.dataRequests().count == 1)
        #expect(workspace.receipts()["stuck.csv"]?["rowsPublished"] == .integer(5))
    }
}

extension DeliveryTests {
    /// A workspace publishing `moving.csv` (40 rows) two rows a request, each answered after
    /// 200 ms, once two requests have arrived.
    static func publishingSlowly(_ sandbox: Sandbox) async throws -> DropWorkspace {
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["batchRows: 2", "maxBatchesInFlight: 1"])
        try await workspace.startWatcher()
        try await sandbox.setFaults(#"{"latencyMs": 200}"#)
        try workspace.dropByRename("moving.csv", Self.csv(rows: 40))
        try await eventually("two batches") { Self.statuses(try await sandbox.dataRequests()).count >= 2 }
        return workspace
    }

    /// Writes to `moving.csv` where it is being published, as a writer that kept it open would.
    static func write(to workspace: DropWorkspace, _ text: String, appending: Bool) throws {
        let handle = try DropWorkspace.openForWriting(workspace.root + "/state/processing/fraud/moving.csv", appending: appending)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test("Rows appended while a file is published are set aside, not sent: each row is published or in rejected/, never both")
    func appendedWhilePublishing() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try await Self.publishingSlowly(sandbox)
        defer { workspace.remove() }
        // A writer that kept the file open appends to it, in its processing folder.
        try Self.write(to: workspace, "999.5,intruder,1,0,\"[0.5, 0.5]\"\n", appending: true)

        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["moving.csv"] != nil }
        try await sandbox.setFaults("{}")
        let receipt = try #require(workspace.receipts()["moving.csv"])
        let rows = try await sandbox.rows(pipelineId: try Self.pipelineId(workspace, "moving.csv"))
        // What was sent is a prefix of the first version, each row once; nothing after the change.
        let sent = Self.arrivals(rows)
        #expect(rows.count < 40 && rows.count >= 2)
        #expect(sent == Dictionary(uniqueKeysWithValues: (1...rows.count).map { ("m\($0)", 1) }))
        #expect(receipt["rows"] == .integer(41))
        #expect(receipt["rowsPublished"] == .integer(Int64(rows.count)))
        #expect(receipt["rowsRejected"] == .integer(Int64(41 - rows.count)))
        guard case .string(let note)? = receipt["note"], case .string(let rejectedRows)? = receipt["rejectedRowsFile"] else {
            Issue.record("no note or rejected rows file in \(receipt)"); return
        }
        #expect(note.contains("ordinals 1–\(rows.count) (\(rows.count) rows) of the earlier version were sent"))
        // The rejected rows are exactly the others, each with the reason.
        let setAside = try String(contentsOfFile: rejectedRows, encoding: .utf8).split(separator: "\n").dropFirst()
        let merchants = setAside.map { $0.split(separator: ",")[3] }
        #expect(merchants == ((rows.count + 1)...40).map { "m\($0)"[...] } + ["intruder"])
        #expect(setAside.allSatisfy { $0.contains("not sent: the file was written to while it was being published") })
    }

    @Test("A file rewritten while it is published goes to rejected/ whole; the report says which rows of the earlier version were sent")
    func rewrittenWhilePublishing() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try await Self.publishingSlowly(sandbox)
        defer { workspace.remove() }
        try Self.write(to: workspace, Self.csv(rows: 50).replacingOccurrences(of: ",m", with: ",new-m"), appending: false)

        try await eventually("the rejection\n\(workspace.log)") { workspace.files(in: workspace.rejected).contains("moving.csv.rejection.txt") }
        try await sandbox.setFaults("{}")
        let requests = try await sandbox.dataRequests()
        guard case .string(let pipelineId)? = requests.first?["pipelineId"] else { Issue.record("no requests"); return }
        let rows = try await sandbox.rows(pipelineId: pipelineId)
        let sent = Self.arrivals(rows)
        #expect(sent == Dictionary(uniqueKeysWithValues: (1...rows.count).map { ("m\($0)", 1) }), "nothing of the new version")
        let report = try String(contentsOfFile: workspace.rejected + "/moving.csv.rejection.txt", encoding: .utf8)
        #expect(report.contains("is not the checked version with rows added: ordinals 1–\(rows.count) (\(rows.count) rows) of the earlier version"))
        #expect(report.contains("no row of this version was sent"))
        #expect(try String(contentsOfFile: workspace.rejected + "/moving.csv", encoding: .utf8).contains("new-m50"))
    }
}

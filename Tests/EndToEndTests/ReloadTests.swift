import DropJSON
import Foundation
import Testing

/// SIGHUP to the real `openlayer-drop watch`: the config file read again while files are in
/// hand, with every row of every file accounted for at the sandbox or in `rejected/`.
@Suite("Reloading the config with SIGHUP", .serialized, .timeLimit(.minutes(3)))
struct ReloadTests {
    /// A pipeline section of the fraud model under another name and inference pipeline.
    static func pipeline(_ name: String, batchRows: Int) -> String {
        """
          \(name):
            project: Fraud classification
            taskType: tabular-classification
            inferencePipeline: \(name)
            batchRows: \(batchRows)
            dataConfig:
        \(DropWorkspace.fraudDataConfig.map { "      " + $0 }.joined(separator: "\n"))
        """
    }

    static func writeConfig(_ workspace: DropWorkspace, top: String = "", pipelines: [String]) throws {
        let config = """
            \(top)baseURL: \(workspace.sandbox.baseURL)
            directories:
              root: .
            service:
            \((DropWorkspace.quickService + ["http: null"]).map { "  " + $0 }.joined(separator: "\n"))
            pipelines:
            \(pipelines.joined(separator: "\n"))
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: workspace.configPath))
    }

    /// `rows` rows of the fraud model, their amounts `first`, `first + 1`, …, so that each row is known at the sandbox.
    static func csv(rows: Int, first: Int) -> String {
        "amount,merchant,hour,prediction,scores\n" + (first..<(first + rows)).map { "\($0),fuel,3,0,\"[0.9, 0.1]\"\n" }.joined()
    }

    /// The amounts a pipeline's receipt says were published, read back at the sandbox.
    static func amounts(_ sandbox: Sandbox, receipt: JSONObject?) async throws -> [Int] {
        guard case .string(let pipelineId)? = receipt?["inferencePipelineId"] else { return [] }
        return try await sandbox.rows(pipelineId: pipelineId).compactMap {
            switch $0["amount"] {
            case .integer(let amount)?: Int(amount)
            case .double(let amount)?: Int(amount)
            default: nil
            }
        }
    }

    @Test("Added pipelines start, a removed one finishes the file in hand and stops, a changed one takes its new batch size; an unusable config is kept out")
    func addRemoveChange() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try Self.writeConfig(workspace, pipelines: [Self.pipeline("fraud", batchRows: 2), Self.pipeline("churn", batchRows: 2)])
        try await workspace.startWatcher()
        try await eventually("both pipelines ready\n\(workspace.log)") {
            workspace.log.components(separatedBy: "pipeline ready").count == 3
        }

        // churn has a 40-row file in hand (20 requests of 2 rows, 400 ms each, a few at a time) and one waiting.
        try await sandbox.setFaults(#"{"latencyMs": 400}"#)
        try workspace.dropByRename("in-hand.csv", Self.csv(rows: 40, first: 1000), pipeline: "churn")
        try await eventually("churn's file in hand\n\(workspace.log)") {
            try await sandbox.dataRequests().contains { $0["status"] == .integer(200) }
        }
        try workspace.dropByRename("waiting.csv", Self.csv(rows: 3, first: 2000), pipeline: "churn")
        try await Task.sleep(for: .milliseconds(200))

        // churn removed, returns added, fraud's batches from 2 rows to 5.
        try Self.writeConfig(workspace, pipelines: [Self.pipeline("fraud", batchRows: 5), Self.pipeline("returns", batchRows: 2)])
        #expect(workspace.receipts(of: "churn").isEmpty, "the file was no longer in hand at the reload")
        workspace.watcher?.signal(SIGHUP)
        try await eventually("the reload\n\(workspace.log)") { workspace.log.contains("reloaded the config") }
        #expect(workspace.log.contains("added=returns"), "\(workspace.log)")
        #expect(workspace.log.contains("removed=churn"), "\(workspace.log)")
        #expect(workspace.log.contains("changed=fraud"), "\(workspace.log)")

        // The file in hand is finished whole, and churn stops; the waiting file is set aside,
        // as a start on the new config would have.
        try await eventually(timeout: .seconds(60), "churn's file finished and churn stopped\n\(workspace.log)") {
            workspace.receipts(of: "churn")["in-hand.csv"] != nil && workspace.log.contains("pipeline stopped")
        }
        try await sandbox.setFaults("{}")
        let inHand = workspace.receipts(of: "churn")["in-hand.csv"]
        #expect(inHand?["rowsPublished"] == .integer(40))
        #expect(try await Self.amounts(sandbox, receipt: inHand).sorted() == Array(1000..<1040))
        try await eventually("the waiting file rejected\n\(workspace.log)") {
            FileManager.default.fileExists(atPath: workspace.root + "/rejected/churn/waiting.csv.rejection.txt")
        }
        let report = try String(contentsOfFile: workspace.root + "/rejected/churn/waiting.csv.rejection.txt", encoding: .utf8)
        #expect(report.contains("no pipeline named 'churn'"), "\(report)")
        #expect(FileManager.default.fileExists(atPath: workspace.root + "/rejected/churn/waiting.csv"))

        // The added pipeline publishes; the changed one sends 5 rows a request.
        try await eventually("returns ready\n\(workspace.log)") {
            workspace.log.split(separator: "\n").contains { $0.contains("pipeline ready") && $0.contains("pipeline=returns") }
        }
        try workspace.dropByRename("first.csv", Self.csv(rows: 4, first: 3000), pipeline: "returns")
        try workspace.dropByRename("after-reload.csv", Self.csv(rows: 10, first: 4000))
        try await eventually("both files published\n\(workspace.log)") {
            workspace.receipts(of: "returns")["first.csv"] != nil && workspace.receipts()["after-reload.csv"] != nil
        }
        #expect(try await Self.amounts(sandbox, receipt: workspace.receipts(of: "returns")["first.csv"]).sorted() == Array(3000..<3004))
        let fraudReceipt = try #require(workspace.receipts()["after-reload.csv"])
        #expect(try await Self.amounts(sandbox, receipt: fraudReceipt).sorted() == Array(4000..<4010))
        guard case .string(let fraudId)? = fraudReceipt["inferencePipelineId"] else { Issue.record("no pipeline id"); return }
        #expect(try await sandbox.dataRequests(pipelineId: fraudId).map { $0["rowCount"] } == [.integer(5), .integer(5)])

        // A file dropped into the removed pipeline's folder now is set aside too.
        try workspace.dropByRename("late.csv", Self.csv(rows: 1, first: 5000), pipeline: "churn")
        try await eventually("the late churn file rejected\n\(workspace.log)") {
            FileManager.default.fileExists(atPath: workspace.root + "/rejected/churn/late.csv.rejection.txt")
        }

        // A config that cannot be used: logged, and the running one kept.
        try Data("pipelines: [this is not a pipeline map\n".utf8).write(to: URL(fileURLWithPath: workspace.configPath))
        workspace.watcher?.signal(SIGHUP)
        try await eventually("the refused reload\n\(workspace.log)") { workspace.log.contains("cannot reload the config; the running one is kept") }
        try workspace.dropByRename("after-bad-reload.csv", Self.csv(rows: 3, first: 6000))
        try await eventually("published on the running config\n\(workspace.log)") { workspace.receipts()["after-bad-reload.csv"] != nil }
        #expect(try await Self.amounts(sandbox, receipt: workspace.receipts()["after-bad-reload.csv"]).filter { $0 >= 6000 }.sorted() == [6000, 6001, 6002])
        #expect(workspace.watcher?.isRunning == true)
        #expect(!workspace.log.contains(sandbox.apiKey))
    }

    @Test("A key replaced in its file is used at once: the pipeline paused by the refused one publishes the file waiting")
    func keyRotation() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        let keyFile = workspace.root + "/api-key"
        #expect(FileManager.default.createFile(atPath: keyFile, contents: Data("sk-revoked\n".utf8), attributes: [.posixPermissions: 0o600]))
        try Self.writeConfig(workspace, top: "apiKeyFile: api-key\n", pipelines: [Self.pipeline("fraud", batchRows: 2)])
        try await workspace.startWatcher(waitUntilWatching: false)
        try await eventually("the key refused\n\(workspace.log)") { workspace.log.contains("paused") }
        try workspace.dropByRename("waiting-for-key.csv", Self.csv(rows: 5, first: 100))
        try await Task.sleep(for: .milliseconds(500))
        #expect(workspace.receipts().isEmpty)

        try Data((sandbox.apiKey + "\n").utf8).write(to: URL(fileURLWithPath: keyFile))
        workspace.watcher?.signal(SIGHUP)
        try await eventually("published with the new key\n\(workspace.log)") { workspace.receipts()["waiting-for-key.csv"] != nil }
        #expect(workspace.log.contains("keyReplaced=true"), "\(workspace.log)")
        #expect(try await Self.amounts(sandbox, receipt: workspace.receipts()["waiting-for-key.csv"]).sorted() == Array(100..<105))
        #expect(!workspace.log.contains(sandbox.apiKey))
        #expect(!workspace.log.contains("sk-revoked"))
    }

    @Test("Reloads one after another while files arrive: every file published once, whole")
    func reloadsUnderLoad() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try Self.writeConfig(workspace, pipelines: [Self.pipeline("fraud", batchRows: 2)])
        try await workspace.startWatcher()
        let files = 40
        let dropping = Task {
            for file in 0..<files {
                try workspace.dropByRename(String(format: "part-%03d.csv", file), Self.csv(rows: 5, first: file * 10))
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        // Each reload changes the batch size, so each one ends the pipeline's run after its file
        // in hand and starts another.
        for reload in 0..<12 {
            try Self.writeConfig(workspace, pipelines: [Self.pipeline("fraud", batchRows: 2 + reload % 3)])
            workspace.watcher?.signal(SIGHUP)
            try await Task.sleep(for: .milliseconds(90))
        }
        try await dropping.value
        try await eventually(timeout: .seconds(60), "every file published\n\(workspace.log)") { workspace.receipts().count == files }
        let expected = (0..<files).flatMap { file in (file * 10)..<(file * 10 + 5) }
        #expect(try await Self.amounts(sandbox, receipt: workspace.receipts().values.first).sorted() == expected)
        #expect(workspace.files(in: workspace.rejected).isEmpty)
        #expect(workspace.waitingFiles.isEmpty)
        // Runs really were ended and started again while files came.
        let runsStarted = workspace.log.components(separatedBy: "pipeline ready").count - 1
        #expect(runsStarted >= 4, "\(workspace.log)")
        print("reloads under load: \(runsStarted) runs of the pipeline for \(files) files")
    }
}

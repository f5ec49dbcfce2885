import AsyncHTTPClient
import DropEngine
import DropJSON
import Foundation
import Logging
import OpenlayerAPI
import SandboxTestSupport
import Testing

/// `FileProcessor` in this process against the in-process sandbox: a file's whole lifecycle —
/// claim, survey, publish, archive — with faults, and a crash simulated by abandoning the task
/// and starting again on the same journal. No binary is spawned.
@Suite("A file's lifecycle, in process")
struct FileLifecycleTests {
    /// A workspace: its config (one pipeline, stream unless `settings` say otherwise, two rows a
    /// batch), journal and processor.
    struct Workspace {
        let root: String
        let config: DropConfig
        let journal: Journal
        let client: OpenlayerClient
        /// The client the processor publishes with (`client` binds the pipeline, with the default timeout).
        let publishingClient: OpenlayerClient

        init(sandbox: InProcessSandbox, batchRows: Int = 2, settings: [String] = ["mode: stream"], requestTimeout: Duration = .seconds(60)) throws {
            root = NSTemporaryDirectory() + "lifecycle-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: root + "/inbox/fraud", withIntermediateDirectories: true)
            config = try ConfigLoader.parse(
                yaml: """
                    baseURL: \(sandbox.baseURL)
                    directories: {root: .}
                    service: {retry: {initialBackoffSeconds: 0.01, maxBackoffSeconds: 0.05}}
                    pipelines:
                      fraud:
                        project: Lifecycle
                        taskType: tabular-classification
                        inferencePipeline: production
                        \(settings.joined(separator: "\n    "))
                        batchRows: \(batchRows)
                        maxBatchesInFlight: 1
                        dataConfig: {classNames: [legit, fraud], featureNames: [amount, merchant], categoricalFeatureNames: [merchant],
                          predictionsColumnName: prediction, predictionScoresColumnName: scores, labelColumnName: label}
                    """,
                file: "config.yaml", relativeTo: root, environment: ["OPENLAYER_API_KEY": InProcessSandbox.apiKey])
            try config.directories.prepareOutputFolders()
            journal = try Journal(path: config.directories.journal)
            client = OpenlayerClient(baseURL: config.baseURL, apiKey: config.apiKey, httpClient: HTTPClient.shared, logger: Logger(label: "lifecycle"))
            publishingClient = OpenlayerClient(
                baseURL: config.baseURL, apiKey: config.apiKey, httpClient: HTTPClient.shared, timeout: requestTimeout, logger: Logger(label: "lifecycle"))
        }

        /// - Parameter metrics: where the processor records, when a test reads them back.
        func processor(metrics: PipelineMetrics? = nil) async throws -> FileProcessor {
            let pipeline = try #require(config.pipeline(named: "fraud"))
            let binding = try await PipelineBinding.bind(pipeline, client: client)
            return FileProcessor(
                binding: binding, directories: config.directories, journal: journal,
                health: PipelineHealth(logger: Logger(label: "lifecycle"), metrics: metrics),
                retry: config.service.retry, client: publishingClient, logger: Logger(label: "lifecycle"))
        }

        /// Writes `rows` rows into the pipeline's inbox folder as `name` and returns the path.
        /// Row `n`'s merchant is `merchantPrefix` + `n`, which tells the rows apart where they land.
        func drop(_ name: String, rows: Int, bad: Set<Int> = [], merchantPrefix: String = "m") throws -> String {
            var text = "amount,merchant,prediction,scores\n"
            for index in 1...rows {
                text += "\(bad.contains(index) ? "abc" : "\(index).5"),\(merchantPrefix)\(index),\(index % 2),\"[0.5, 0.5]\"\n"
            }
            let path = root + "/inbox/fraud/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    static func merchants(_ rows: [JSONObject]) -> [String: Int] {
        rows.reduce(into: [:]) { counts, row in if case .string(let merchant)? = row["merchant"] { counts[merchant, default: 0] += 1 } }
    }

    @Test("Claimed, surveyed, published and archived: every row once, the receipt and the journal agree")
    func publishedOnce() async throws {
        try await InProcessSandbox.with { sandbox in
            let workspace = try Workspace(sandbox: sandbox)
            defer { workspace.remove() }
            let processor = try await workspace.processor()
            let claimed = try #require(try processor.claim(try workspace.drop("a.csv", rows: 9), kind: .predictions))
            guard case .published(let receipt) = try await processor.process(claimed, isCurrent: true) else {
                Issue.record("not published"); return
            }
            #expect(receipt.rowsPublished == 9 && receipt.batches == 5)
            let rows = try await sandbox.rows(pipelineId: processor.binding.inferencePipelineId)
            #expect(Self.merchants(rows) == Dictionary(uniqueKeysWithValues: (1...9).map { ("m\($0)", 1) }))
            #expect(try workspace.journal.file(id: try #require(claimed.id))?.state == .archived)
            #expect(FileManager.default.fileExists(atPath: receipt.archivedAs + ".receipt.json"))
        }
    }

    @Test("A 400 on one batch sets its rows aside with the server's message; a 429 with Retry-After is waited out")
    func refusedAndThrottled() async throws {
        try await InProcessSandbox.with { sandbox in
            let workspace = try Workspace(sandbox: sandbox)
            defer { workspace.remove() }
            let processor = try await workspace.processor()
            let claimed = try #require(try processor.claim(try workspace.drop("b.csv", rows: 6), kind: .predictions))
            try await sandbox.setFaults(#"{"failNext": 1, "status": 429, "retryAfterMs": 20}"#)
            guard case .published = try await processor.process(claimed, isCurrent: true) else { Issue.record("not published"); return }
            try await sandbox.setFaults(#"{"failNext": 1, "status": 400, "message": "no such column"}"#)
            let second = try #require(try processor.claim(try workspace.drop("c.csv", rows: 4), kind: .predictions))
            guard case .published(let receipt) = try await processor.process(second, isCurrent: true) else { Issue.record("not published"); return }
            #expect(receipt.rowsPublished == 2 && receipt.rowsRejected == 2)
            let rejected = try String(contentsOfFile: try #require(receipt.rejectedRowsFile), encoding: .utf8)
            #expect(rejected.contains("no such column"))
            let rows = try await sandbox.rows(pipelineId: processor.binding.inferencePipelineId)
            #expect(rows.count == 8)
        }
    }

    @Test("A publish abandoned mid-file, as by a crash, is taken up from the journal by a new processor: no row is lost")
    func abandonedAndResumed() async throws {
        try await InProcessSandbox.with { sandbox in
            let workspace = try Workspace(sandbox: sandbox)
            defer { workspace.remove() }
            let first = try await workspace.processor()
            let claimed = try #require(try first.claim(try workspace.drop("d.csv", rows: 40), kind: .predictions))
            try await sandbox.setFaults(#"{"latencyMs": 30}"#)
            let task = Task { try await first.process(claimed, isCurrent: true) }
            var polls = 0
            while try await sandbox.rows(pipelineId: first.binding.inferencePipelineId).count < 10, polls < 1000 {
                polls += 1
                try await Task.sleep(for: .milliseconds(5))
            }
            task.cancel()
            guard case .failure = await task.result else { Issue.record("the publish ended before it was abandoned"); return }
            try await sandbox.setFaults("{}")

            let second = try await workspace.processor()
            let leftovers = try second.leftovers()
            #expect(leftovers.map(\.name) == ["d.csv"])
            for entry in leftovers { _ = try await second.process(entry, isCurrent: true) }
            let counts = Self.merchants(try await sandbox.rows(pipelineId: second.binding.inferencePipelineId))
            #expect(Set(counts.keys) == Set((1...40).map { "m\($0)" }))
            // Only the batch in flight when the task was abandoned may have come twice.
            #expect(counts.values.filter { $0 > 1 }.count <= 2)
            #expect(try workspace.journal.file(id: try #require(claimed.id))?.state == .archived)
        }
    }

    @Test("Requests that time out are sent again until one is answered: every row arrives, the file is archived")
    func timedOut() async throws {
        try await InProcessSandbox.with { sandbox in
            let workspace = try Workspace(sandbox: sandbox, requestTimeout: .milliseconds(300))
            defer { workspace.remove() }
            let processor = try await workspace.processor()
            let claimed = try #require(try processor.claim(try workspace.drop("slow.csv", rows: 6), kind: .predictions))
            try await sandbox.setFaults(#"{"latencyMs": 1000}"#)
            let publishing = Task { try await processor.process(claimed, isCurrent: true) }
            // The answers come after the client gave up on them until the sandbox is quick again.
            try await Task.sleep(for: .milliseconds(1200))
            try await sandbox.setFaults("{}")
            guard case .published(let receipt) = try await publishing.value else { Issue.record("not published"); return }
            #expect(receipt.rowsPublished == 6)
            let counts = Self.merchants(try await sandbox.rows(pipelineId: processor.binding.inferencePipelineId))
            #expect(Set(counts.keys) == Set((1...6).map { "m\($0)" }))
            let requests = try await sandbox.request("GET", "/sandbox/requests")
            guard case .object(let answer) = requests, case .array(let items)? = answer["items"] else { Issue.record("no request log"); return }
            #expect(items.count > 3, "the first batch was sent more than once")
        }
    }
}

import DropEngine
import DropJSON
import Foundation
import Prometheus
import SandboxTestSupport
import Testing

/// Each way of publishing (`PublishingChoice`) run by `FileProcessor` in process against the
/// in-process sandbox, with the faults that matter to it. The stream publisher is in
/// `FileLifecycleTests`.
@Suite("Each publisher, in process")
struct PublisherTests {
    typealias Workspace = FileLifecycleTests.Workspace

    /// Writes `text` into the pipeline's inbox folder for `kind` and claims it.
    static func claim(_ text: String, _ name: String, kind: FileKind, in workspace: Workspace, by processor: FileProcessor) throws -> JournalFile {
        let folder = kind.path(under: workspace.root + "/inbox", pipeline: "fraud")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
        return try #require(try processor.claim(folder + "/" + name, kind: kind))
    }

    /// Predictions with their ids; with `labels`, a label column too (as a reference dataset has).
    static func predictions(ids: ClosedRange<Int>, labels: Bool = false) -> String {
        "inference_id,amount,merchant,prediction,scores\(labels ? ",label" : "")\n"
            + ids.map { "id-\($0),\($0).5,m\($0),\($0 % 2),\"[0.5, 0.5]\"\(labels ? ",\(($0 + 1) % 2)" : "")\n" }.joined()
    }

    @Test("Bulk: a 503 on the upload is retried, and every row arrives once through the Arrow file, counted as one data request")
    func bulkRetried() async throws {
        try await InProcessSandbox.with { sandbox in
            let workspace = try Workspace(sandbox: sandbox, settings: ["mode: bulk"])
            defer { workspace.remove() }
            let registry = PrometheusCollectorRegistry()
            let processor = try await workspace.processor(metrics: PipelineMetrics(pipeline: "fraud", factory: PrometheusMetricsFactory(registry: registry)))
            let file = try Self.claim(Self.predictions(ids: 1...9), "bulk.csv", kind: .predictions, in: workspace, by: processor)
            try await sandbox.setFaults(#"{"failNext": 1, "status": 503}"#)
            guard case .published(let receipt) = try await processor.process(file, isCurrent: true) else { Issue.record("not published"); return }
            #expect(receipt.mode == "bulk" && receipt.rowsPublished == 9)
            let exposed = registry.emitToString()
            #expect(exposed.contains(#"openlayer_drop_batches_sent_total{pipeline="fraud"} 1"#), "\(exposed)")
            #expect(exposed.contains(#"openlayer_drop_request_duration_seconds_count{pipeline="fraud"} 2"#), "the failed attempt is timed too")
            let rows = try await sandbox.rows(pipelineId: processor.binding.inferencePipelineId)
            #expect(FileLifecycleTests.merchants(rows) == Dictionary(uniqueKeysWithValues: (1...9).map { ("m\($0)", 1) }))
        }
    }

    @Test("Bulk: an upload refused with a 400 sets every row aside with the server's message, and nothing is stored")
    func bulkRefused() async throws {
        try await InProcessSandbox.with { sandbox in
            let workspace = try Workspace(sandbox: sandbox, settings: ["mode: bulk"])
            defer { workspace.remove() }
            let processor = try await workspace.processor()
            let file = try Self.claim(Self.predictions(ids: 1...5), "refused.csv", kind: .predictions, in: workspace, by: processor)
            try await sandbox.setFaults(#"{"failNext": 1, "status": 400, "message": "schema mismatch"}"#)
            guard case .published(let receipt) = try await processor.process(file, isCurrent: true) else { Issue.record("not settled"); return }
            #expect(receipt.rowsPublished == 0 && receipt.rowsRejected == 5)
            let rejected = try String(contentsOfFile: try #require(receipt.rejectedRowsFile), encoding: .utf8)
            #expect(rejected.contains("schema mismatch") && rejected.split(separator: "\n").count == 6)
            #expect(try await sandbox.rows(pipelineId: processor.binding.inferencePipelineId).isEmpty)
        }
    }

    @Test("Ground truths by stream: one row update each, a 429 waited out, each label on its row")
    func groundTruthRows() async throws {
        try await InProcessSandbox.with { sandbox in
            let workspace = try Workspace(sandbox: sandbox)
            defer { workspace.remove() }
            let processor = try await workspace.processor()
            let predictions = try Self.claim(Self.predictions(ids: 1...4), "p.csv", kind: .predictions, in: workspace, by: processor)
            _ = try await processor.process(predictions, isCurrent: true)
            let truths = try Self.claim("inference_id,label\nid-1,1\nid-3,0\n", "t.csv", kind: .groundTruths, in: workspace, by: processor)
            try await sandbox.setFaults(#"{"failNext": 1, "status": 429, "retryAfterMs": 10}"#)
            guard case .published(let receipt) = try await processor.process(truths, isCurrent: true) else { Issue.record("not published"); return }
            #expect(receipt.rowsPublished == 2)
            let labels = try await sandbox.rows(pipelineId: processor.binding.inferencePipelineId).reduce(into: [String: JSONValue]()) { labels, row in
                if case .string(let id)? = row["inference_id"], let label = row["label"] { labels[id] = label }
            }
            #expect(labels == ["id-1": .integer(1), "id-3": .integer(0)])
        }
    }

    @Test("Ground truths in bulk: merged by inference id through one upload")
    func groundTruthMerge() async throws {
        try await InProcessSandbox.with { sandbox in
            let workspace = try Workspace(sandbox: sandbox, settings: ["mode: bulk", "groundTruthMode: bulk"])
            defer { workspace.remove() }
            let processor = try await workspace.processor()
            let predictions = try Self.claim(Self.predictions(ids: 1...3), "p.csv", kind: .predictions, in: workspace, by: processor)
            _ = try await processor.process(predictions, isCurrent: true)
            let truths = try Self.claim("inference_id,label\nid-2,1\n", "t.csv", kind: .groundTruths, in: workspace, by: processor)
            guard case .published(let receipt) = try await processor.process(truths, isCurrent: true) else { Issue.record("not published"); return }
            #expect(receipt.rowsPublished == 1 && receipt.mode == "bulk")
            let labelled = try await sandbox.rows(pipelineId: processor.binding.inferencePipelineId).filter { $0["label"] != nil }
            #expect(labelled.count == 1 && labelled.first?["inference_id"] == .string("id-2"))
        }
    }

    @Test("Reference: packaged, uploaded after a dropped connection, and set as the pipeline's reference dataset")
    func reference() async throws {
        try await InProcessSandbox.with { sandbox in
            let workspace = try Workspace(sandbox: sandbox)
            defer { workspace.remove() }
            let processor = try await workspace.processor()
            let file = try Self.claim(Self.predictions(ids: 1...6, labels: true), "ref.csv", kind: .reference, in: workspace, by: processor)
            try await sandbox.setFaults(#"{"dropNext": 1}"#)
            guard case .published(let receipt) = try await processor.process(file, isCurrent: true) else { Issue.record("not published"); return }
            #expect(receipt.rowsPublished == 6)
            let pipelineId = processor.binding.inferencePipelineId
            guard case .object(let answer) = try await sandbox.request("GET", "/sandbox/reference-datasets?pipelineId=\(pipelineId)"),
                case .array(let items)? = answer["items"], case .object(let dataset)? = items.last
            else { Issue.record("no reference dataset"); return }
            #expect(dataset["rows"] == .integer(6))
        }
    }
}

import DropJSON
import Foundation
import Testing

/// The rest of Openlayer's guide through the real binaries: bulk predictions, ground truths
/// by row and in bulk, and a reference dataset.
@Suite("Ground truths, reference datasets and bulk publishing", .serialized, .timeLimit(.minutes(3)))
struct SeedFlowTests {
    static let predictions = """
        inference_id,amount,merchant,hour,prediction,scores,note
        p1,12.5,fuel,3,0,"[0.9, 0.1]",first
        p2,880,"electronics, online",23,1,"[0.2, 0.8]",
        p3,4.75,grocery,,0,"[0.95, 0.05]",third
        p4,19.99,café,12,1,"[0.4, 0.6]",fourth
        p5,250.5,fuel,2,1,"[0.3, 0.7]",fifth
        """

    /// The Python in `.venv` (made by `scripts/test-deps.sh`), with pyarrow and PyYAML.
    static var python: String {
        ToolRun.repository.appendingPathComponent(".venv/bin/python3").path
    }

    /// Runs a tool that must succeed; its output, or an error holding it.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let run = try ToolRun.run(executable, arguments)
        guard run.status == 0 else { throw ToolFailed(output: "\(executable) \(arguments): \(run.output)") }
        return run.output
    }

    struct ToolFailed: Error, CustomStringConvertible {
        var output: String
        var description: String { output }
    }

    static func files(under directory: String, suffix: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var found: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(suffix) { found.append(directory + "/" + relative) }
        }
        return found.sorted()
    }

    @Test("Predictions in bulk are one Arrow upload that pyarrow reads as the source rows, types and nulls included")
    func bulkPredictions() async throws {
        let storage = NSTemporaryDirectory() + "sandbox-storage-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: storage) }
        let sandbox = try Sandbox(storageDirectory: storage)
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["mode: bulk"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try workspace.dropByRename("bulk.csv", Self.predictions, modified: Date(timeIntervalSince1970: 1_795_600_000))
        try await eventually("the receipt\n\(workspace.log)") { workspace.receipts()["bulk.csv"] != nil }

        let receipt = try #require(workspace.receipts()["bulk.csv"])
        #expect(receipt["mode"] == .string("bulk"))
        #expect(receipt["rowsPublished"] == .integer(5))
        guard case .string(let pipelineId)? = receipt["inferencePipelineId"] else { Issue.record("no pipeline id"); return }
        let requests = try await sandbox.dataRequests(pipelineId: pipelineId)
        #expect(requests.map { $0["kind"] } == [.string("data")])
        let rows = try await sandbox.rows(pipelineId: pipelineId).sorted { "\($0["inference_id"]!)" < "\($1["inference_id"]!)" }
        #expect(rows.count == 5)
        #expect(rows[0]["amount"] == .double(12.5))
        #expect(rows[1]["amount"] == .double(880))
        #expect(rows[2]["hour"] == .null)
        #expect(rows[0]["hour"] == .integer(3))
        #expect(rows[0]["scores"] == .array([.double(0.9), .double(0.1)]))
        #expect(rows[1]["note"] == .null)
        #expect(rows[3]["merchant"] == .string("café"))
        #expect(rows.allSatisfy { $0["timestamp"] == .integer(1_795_600_000) })

        // The uploaded object itself, read by pyarrow.
        let arrowFiles = Self.files(under: storage, suffix: ".arrow")
        #expect(arrowFiles.count == 1)
        let script = """
            import json, sys, pyarrow as pa
            with pa.ipc.open_stream(sys.argv[1]) as reader:
                table = reader.read_all()
            print(json.dumps({"schema": {f.name: str(f.type) for f in table.schema}, "rows": table.to_pylist()}))
            """
        let output = try Self.run(Self.python, ["-c", script, try #require(arrowFiles.first)])
        guard case .object(let table) = try JSONParser.parse(output.trimmingCharacters(in: .whitespacesAndNewlines)),
            case .object(let schema)? = table["schema"], case .array(let arrowRows)? = table["rows"]
        else {
            Issue.record("pyarrow said: \(output)"); return
        }
        #expect(schema["inference_id"] == .string("string"))
        #expect(schema["amount"] == .string("double"))
        #expect(schema["hour"] == .string("int64"))
        #expect(schema["prediction"] == .string("int64"))
        #expect(schema["scores"] == .string("list<item: double>"))
        #expect(schema["timestamp"] == .string("int64"))
        #expect(arrowRows.count == 5)
        if case .object(let third)? = arrowRows.dropFirst(2).first {
            #expect(third["hour"] == .null)
            #expect(third["note"] == .string("third"))
            #expect(third["amount"] == .double(4.75))
        }
    }

    @Test("After predictions in bulk, ground truths by row and in bulk land on the stored rows; an unknown id is a warning")
    func groundTruths() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["mode: bulk", "groundTruthBulkRowThreshold: 3", "maxInvalidRowFraction: 0.5"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try workspace.dropByRename("predictions.csv", Self.predictions)
        try await eventually("the predictions' receipt\n\(workspace.log)") { workspace.receipts()["predictions.csv"] != nil }

        // Two rows: at most the threshold, so one PUT per row. One id was never published.
        try FileManager.default.createDirectory(atPath: workspace.inbox + "/ground-truths", withIntermediateDirectories: true)
        try workspace.dropByRename("ground-truths/labels-a.csv", "inference_id,label\np1,0\np2,1\nelsewhere-9,1\n")
        // Four rows: above it, one Arrow upload merged by inference id.
        try workspace.dropByRename("ground-truths/labels-b.jsonl", """
            {"inference_id": "p3", "label": 0}
            {"inference_id": "p4", "label": 1}
            {"inference_id": "p5", "label": 1}
            {"inference_id": "", "label": 1}
            """)
        let archive = workspace.root + "/archive/fraud/ground-truths"
        try await eventually("two ground-truth receipts\n\(workspace.log)") {
            Self.files(under: archive, suffix: ".receipt.json").count == 2
        }
        guard case .string(let pipelineId)? = workspace.receipts()["predictions.csv"]?["inferencePipelineId"] else { return }
        let requests = try await sandbox.dataRequests(pipelineId: pipelineId)
        #expect(requests.filter { $0["kind"] == .string("rows-update") }.count == 3)
        // One bulk upload of the predictions, one of the second ground-truth file.
        #expect(requests.filter { $0["kind"] == .string("data") }.count == 2)
        let rows = try await sandbox.rows(pipelineId: pipelineId)
        var labels: [String: JSONValue] = [:]
        for row in rows { if case .string(let id)? = row["inference_id"] { labels[id] = row["label"] ?? .null } }
        #expect(labels == ["p1": .integer(0), "p2": .integer(1), "p3": .integer(0), "p4": .integer(1), "p5": .integer(1)])

        let receipts = Self.files(under: archive, suffix: ".receipt.json").compactMap { path -> JSONObject? in
            guard let data = FileManager.default.contents(atPath: path), case .object(let receipt)? = try? JSONParser.parse(Array(data)) else { return nil }
            return receipt
        }
        let byFile = Dictionary(uniqueKeysWithValues: receipts.compactMap { receipt -> (String, JSONObject)? in
            guard case .string(let file)? = receipt["file"] else { return nil }
            return (file, receipt)
        })
        #expect(byFile["labels-a.csv"]?["mode"] == .string("stream"))
        #expect(byFile["labels-a.csv"]?["unknownInferenceIds"] == .integer(1))
        #expect(byFile["labels-b.jsonl"]?["mode"] == .string("bulk"))
        // The row without an id is set aside, not sent.
        #expect(byFile["labels-b.jsonl"]?["rowsRejected"] == .integer(1))
        #expect(workspace.log.contains("ground truths for inference ids this service never published"))
    }

    @Test("Ground truths for generated inference ids are known to the service, which keeps no fingerprint of them")
    func groundTruthsForGeneratedIds() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try workspace.dropByRename("no-ids.csv", "amount,merchant,hour,prediction,scores\n1.5,fuel,3,0,\"[0.9, 0.1]\"\n2.5,café,4,1,\"[0.2, 0.8]\"\n")
        try await eventually("the predictions' receipt\n\(workspace.log)") { workspace.receipts()["no-ids.csv"] != nil }
        guard case .string(let pipelineId)? = workspace.receipts()["no-ids.csv"]?["inferencePipelineId"] else {
            Issue.record("no pipeline id"); return
        }
        let generated = try await sandbox.rows(pipelineId: pipelineId).compactMap { row -> String? in
            if case .string(let id) = row["inference_id"] { return id } else { return nil }
        }
        #expect(generated.count == 2)
        // Two generated ids, one id of the same shape that no row was given.
        let stranger = "0f0e0d0c-0b0a-8908-8706-050403020100"
        try FileManager.default.createDirectory(atPath: workspace.inbox + "/ground-truths", withIntermediateDirectories: true)
        try workspace.dropByRename("ground-truths/labels.csv", "inference_id,label\n\(generated.joined(separator: ",0\n")),1\n\(stranger),1\n")
        let archive = workspace.root + "/archive/fraud/ground-truths"
        try await eventually("the ground truths' receipt\n\(workspace.log)") {
            !Self.files(under: archive, suffix: ".receipt.json").isEmpty
        }
        let receipt = try #require(Self.files(under: archive, suffix: ".receipt.json").first.flatMap { FileManager.default.contents(atPath: $0) })
        guard case .object(let fields) = try JSONParser.parse(Array(receipt)) else { Issue.record("receipt"); return }
        #expect(fields["unknownInferenceIds"] == .integer(1))
        #expect(workspace.log.contains(stranger))
    }

    @Test("A reference dataset becomes a tarball of dataset.csv and dataset_config.yaml, recorded on the pipeline")
    func referenceDataset() async throws {
        let storage = NSTemporaryDirectory() + "sandbox-storage-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: storage) }
        let sandbox = try Sandbox(storageDirectory: storage)
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try FileManager.default.createDirectory(atPath: workspace.inbox + "/reference", withIntermediateDirectories: true)
        try workspace.dropByRename("reference/training-sample.jsonl", """
            {"amount": 10.5, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.9, 0.1], "label": 0}
            {"amount": 20, "merchant": "food", "hour": 2, "prediction": 1, "scores": [0.2, 0.8], "label": 1}
            {"amount": 30.25, "merchant": "fuel", "hour": 3, "prediction": 0, "scores": [0.6, 0.4], "label": 1}
            """)
        let archive = workspace.root + "/archive/fraud/reference"
        try await eventually("the reference receipt\n\(workspace.log)") { !Self.files(under: archive, suffix: ".receipt.json").isEmpty }

        let tarballs = Self.files(under: storage, suffix: ".tar.gz")
        #expect(tarballs.count == 1)
        let tarball = try #require(tarballs.first)
        let listing = try Self.run("/usr/bin/tar", ["-tzf", tarball]).split(separator: "\n").map(String.init)
        #expect(listing == ["reference_dataset/", "reference_dataset/dataset.csv", "reference_dataset/dataset_config.yaml"])
        let config = try Self.run("/usr/bin/tar", ["-xzOf", tarball, "reference_dataset/dataset_config.yaml"])
        let parsed = try Self.run(Self.python, ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]).read())))", try Self.writeTemporary(config)])
        guard case .object(let yaml) = try JSONParser.parse(parsed.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            Issue.record("PyYAML said: \(parsed)"); return
        }
        #expect(yaml["label"] == .string("reference"))
        #expect(yaml["classNames"] == .array([.string("legit"), .string("fraud")]))
        #expect(yaml["featureNames"] == .array([.string("amount"), .string("merchant"), .string("hour")]))
        #expect(yaml["labelColumnName"] == .string("label"))
        #expect(yaml["inferenceIdColumnName"] == nil)
        let csv = try Self.run("/usr/bin/tar", ["-xzOf", tarball, "reference_dataset/dataset.csv"])
        #expect(csv == "amount,merchant,hour,prediction,scores,label\n10.5,fuel,1,0,\"[0.9, 0.1]\",0\n20.0,food,2,1,\"[0.2, 0.8]\",1\n30.25,fuel,3,0,\"[0.6, 0.4]\",1\n")

        guard case .object(let answer) = try await sandbox.get("/sandbox/reference-datasets"), case .array(let items)? = answer["items"],
            case .object(let recorded)? = items.first
        else { Issue.record("no reference dataset recorded"); return }
        #expect(recorded["rows"] == .integer(3))
    }

    static func writeTemporary(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "yaml-\(UUID().uuidString).yaml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

import DropFormats
import Testing

/// `POST /v1/inference-pipelines/{id}/data`: a batch file uploaded beforehand, read as the Arrow
/// stream pyarrow writes, its rows stored with their types.
@Suite struct BatchDataTests {
    static let config = #"{"classNames": ["legit", "fraud"], "inferenceIdColumnName": "inference_id"}"#

    /// Three rows in two record batches, with the column types the SDK's DataFrames give.
    static let writeBatch = """
        import sys, pyarrow as pa
        table = pa.table({
            "inference_id": pa.array(["a", "b", "c"]),
            "count": pa.array([1, 2, None], pa.int64()),
            "score": pa.array([0.5, 1.0, None], pa.float64()),
            "scores": pa.array([[0.9, 0.1], [1.0, 0.0], None], pa.list_(pa.float64())),
            "merchant": pa.array(["fuel", None, "café"]),
            "fraud": pa.array([False, True, None]),
        })
        with pa.ipc.new_stream(sys.argv[1], table.schema) as writer:
            writer.write_table(table, max_chunksize=2)
        """

    static func body(_ storageUri: String, merge: Bool = false, config: String = config) -> String {
        #"{"storageUri": "\#(storageUri)", "performDataMerge": \#(merge), "config": \#(config)}"#
    }

    @Test func arrowRowsAreStoredWithTheirTypes() async throws {
        let scratch = try Scratch()
        try ExternalTool.pyarrow(Self.writeBatch, [scratch.path("batch.arrow")])
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let uri = try await client.store(try scratch.read("batch.arrow"), as: "batch_data_1.0_\(id).arrow")
            let reply = try await client.http("POST", "/v1/inference-pipelines/\(id)/data", json: Self.body(uri))
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.json.compactText == #"{"success":true}"#)

            let a = try #require(try await client.storedRows(id, inferenceId: "a").first)
            #expect(
                a.compactText
                    == #"{"inference_id":"a","count":1,"score":0.5,"scores":[0.9,0.1],"merchant":"fuel","fraud":false}"#
            )
            let b = try #require(try await client.storedRows(id, inferenceId: "b").first)
            #expect(b.at("score") == .double(1.0), "a whole double stays a double")
            #expect(b.at("scores") == .array([.double(1.0), .double(0.0)]))
            #expect(b.at("merchant") == .null)
            let c = try #require(try await client.storedRows(id, inferenceId: "c").first)
            #expect(c.at("count") == .null)
            #expect(c.at("scores") == .null)
            #expect(c.at("merchant") == .string("café"))

            let pipeline = try await client.http("GET", "/v1/inference-pipelines/\(id)").json
            #expect(pipeline.at("totalRecordsCount") == .integer(3))
            #expect(pipeline.at("dateLastSampleReceived")?.string != nil)
            let log = try await client.loggedRequests(pipelineId: id)
            try #require(log.count == 1)
            #expect(log[0].at("kind") == .string("data"))
            #expect(log[0].at("rowCount") == .integer(3))
            #expect(log[0].at("storageUri") == .string(uri))
            #expect(log[0].at("config")?.at("inferenceIdColumnName") == .string("inference_id"))
            #expect(log[0].at("mergedCount") == .null)
        }
    }

    @Test func anObjectThatIsNotArrowIsABadRequest() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let uri = try await client.store(Array("inference_id,label\na,1\n".utf8), as: "batch.arrow")
            let reply = try await client.http("POST", "/v1/inference-pipelines/\(id)/data", json: Self.body(uri))
            #expect(reply.status == 400)
            let error = try #require(try reply.json.at("error")?.string)
            #expect(error.contains("Arrow"), "\(error)")
            let rows = try await client.http("GET", "/v1/inference-pipelines/\(id)/rows").json
            #expect(rows.at("_meta")?.at("totalItems") == .integer(0))
            let log = try await client.loggedRequests(pipelineId: id)
            #expect(log.map { $0.at("status") } == [.integer(400)])
            #expect(log.map { $0.at("kind") } == [.string("data")])
        }
    }

    @Test(arguments: [
        ("no storageUri", #"{"performDataMerge": false, "config": {}}"#, 400),
        ("no config", #"{"storageUri": "URI", "performDataMerge": false}"#, 400),
        ("config not an object", #"{"storageUri": "URI", "config": []}"#, 400),
        ("merge not a bool", #"{"storageUri": "URI", "performDataMerge": "yes", "config": {}}"#, 400),
        ("merge without id column", #"{"storageUri": "URI", "performDataMerge": true, "config": {}}"#, 400),
        ("foreign scheme", #"{"storageUri": "s3://bucket/batch.arrow", "config": {}}"#, 400),
        ("never uploaded", #"{"storageUri": "PRESIGNED", "config": {}}"#, 404),
        ("unknown object", #"{"storageUri": "sandbox://nothing/batch.arrow", "config": {}}"#, 404),
    ])
    func invalidRequestsAreRefused(label: String, template: String, status: Int) async throws {
        let scratch = try Scratch()
        try ExternalTool.pyarrow(Self.writeBatch, [scratch.path("batch.arrow")])
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let uri = try await client.store(try scratch.read("batch.arrow"), as: "batch.arrow")
            let presigned = try await client.presign("batch.arrow")
            let body = template.replacing("PRESIGNED", with: presigned.storageUri).replacing("URI", with: uri)
            let reply = try await client.http("POST", "/v1/inference-pipelines/\(id)/data", json: body)
            #expect(reply.status == status, "\(label): \(reply.text)")
            #expect(try reply.json.at("error")?.string != nil, "\(label)")
            let rows = try await client.http("GET", "/v1/inference-pipelines/\(id)/rows").json
            #expect(rows.at("_meta")?.at("totalItems") == .integer(0), "\(label)")
        }
    }

    @Test func unknownPipelineIsNotFound() async throws {
        try await SandboxHarness.withSandbox { client in
            let reply = try await client.http(
                "POST", "/v1/inference-pipelines/00000000-0000-0000-0000-000000000000/data",
                json: Self.body("sandbox://x/y.arrow")
            )
            #expect(reply.status == 404)
        }
    }

    /// `update_batch_inferences`: labels merged into the stored rows by inference id, every copy
    /// of a duplicated row included; a label for no stored row is kept pending.
    @Test func mergeSetsLabelsOnStoredRowsAndKeepsTheUnmatched() async throws {
        let scratch = try Scratch()
        let labels = """
            import sys, pyarrow as pa
            table = pa.table({"inference_id": ["a", "b", "zz"], "label": pa.array([1, 0, 1], pa.int64())})
            with pa.ipc.new_stream(sys.argv[1], table.schema) as writer:
                writer.write_table(table)
            """
        try ExternalTool.pyarrow(labels, [scratch.path("labels.arrow")])
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let rows = #"[{"inference_id": "a", "output": 0}, {"inference_id": "b", "output": 1}]"#
            let stream = #"{"config": \#(Self.config), "rows": \#(rows)}"#
            for _ in 0..<2 {  // b twice: a retried call left a duplicate
                let reply = try await client.http("POST", "/v1/inference-pipelines/\(id)/data-stream", json: stream)
                #expect(reply.status == 200)
            }
            let uri = try await client.store(try scratch.read("labels.arrow"), as: "labels.arrow")
            let config = #"{"inferenceIdColumnName": "inference_id", "labelColumnName": "label"}"#
            let reply = try await client.http(
                "POST", "/v1/inference-pipelines/\(id)/data", json: Self.body(uri, merge: true, config: config)
            )
            #expect(reply.status == 200, "\(reply.text)")

            let a = try await client.storedRows(id, inferenceId: "a")
            #expect(a.map(\.compactText) == Array(repeating: #"{"inference_id":"a","output":0,"label":1}"#, count: 2))
            let b = try await client.storedRows(id, inferenceId: "b")
            #expect(b.map { $0.at("label") } == [.integer(0), .integer(0)])
            let all = try await client.http("GET", "/v1/inference-pipelines/\(id)/rows").json
            #expect(all.at("_meta")?.at("totalItems") == .integer(4), "a merge adds no rows")

            let pending = try #require(
                try await client.http("GET", "/v1/sandbox/ground-truths?pipelineId=\(id)").json.at("items")?.array
            )
            try #require(pending.count == 1)
            #expect(pending[0].at("inferenceId") == .string("zz"))
            #expect(pending[0].at("row")?.compactText == #"{"inference_id":"zz","label":1}"#)

            let log = try await client.loggedRequests(pipelineId: id)
            let entry = try #require(log.last)
            #expect(entry.at("kind") == .string("data"))
            #expect(entry.at("rowCount") == .integer(3))
            #expect(entry.at("mergedCount") == .integer(2))
            #expect(entry.at("unmatchedCount") == .integer(1))
        }
    }
}

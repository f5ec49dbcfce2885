import AsyncHTTPClient
import DropFormats
import Testing

/// The data faults cover every data route: `POST …/data` and `PUT …/rows` fail, drop and get
/// refused like data-stream calls, changing nothing, while uploads to presigned URLs, which are
/// storage and not Openlayer's API, are left alone.
@Suite struct BatchFaultTests {
    static let labels = """
        import sys, pyarrow as pa
        table = pa.table({"id": ["a"], "label": pa.array([1], pa.int64())})
        with pa.ipc.new_stream(sys.argv[1], table.schema) as writer:
            writer.write_table(table)
        """

    /// A pipeline with row `a` stored.
    static func pipeline(_ client: SandboxClient) async throws -> String {
        let id = try await client.createPipeline()
        let body = #"{"config": {"inferenceIdColumnName": "id"}, "rows": [{"id": "a", "output": 0}]}"#
        let reply = try await client.http("POST", "/v1/inference-pipelines/\(id)/data-stream", json: body)
        try #require(reply.status == 200)
        return id
    }

    @Test func failNextFailsDataAndRowUpdatesAndChangesNothing() async throws {
        let scratch = try Scratch()
        try ExternalTool.pyarrow(Self.labels, [scratch.path("labels.arrow")])
        try await SandboxHarness.withSandbox { client in
            let id = try await Self.pipeline(client)
            let uri = try await client.store(try scratch.read("labels.arrow"), as: "labels.arrow")
            let config = #"{"inferenceIdColumnName": "id"}"#
            let merge = #"{"storageUri": "\#(uri)", "performDataMerge": true, "config": \#(config)}"#
            let update = #"{"row": {"label": 1}, "config": {}}"#
            let set = try await client.http("PUT", "/v1/sandbox/faults", json: #"{"failNext": 2, "retryAfter": "1"}"#)
            try #require(set.status == 200)

            let data = try await client.http("POST", "/v1/inference-pipelines/\(id)/data", json: merge)
            #expect(data.status == 503)
            #expect(data.headers["retry-after"] == "1")
            let rows = try await client.http("PUT", "/v1/inference-pipelines/\(id)/rows?inferenceId=a", json: update)
            #expect(rows.status == 503)
            #expect(try await client.storedRows(id, inferenceId: "a").first?.at("label") == nil, "nothing merged")

            let log = try await client.loggedRequests(pipelineId: id)
            #expect(log.map { $0.at("kind") } == [.string("data-stream"), .string("data"), .string("rows-update")])
            #expect(log.map { $0.at("status") } == [.integer(200), .integer(503), .integer(503)])
            #expect(log[1].at("storageUri") == .string(uri))
            #expect(log[2].at("rowCount") == .integer(1))

            // The faults used up, both go through.
            #expect(try await client.http("POST", "/v1/inference-pipelines/\(id)/data", json: merge).status == 200)
            #expect(try await client.storedRows(id, inferenceId: "a").first?.at("label") == .integer(1))
            let relabel = #"{"row": {"label": 0}, "config": {}}"#
            let second = try await client.http("PUT", "/v1/inference-pipelines/\(id)/rows?inferenceId=a", json: relabel)
            #expect(second.status == 200)
            #expect(try await client.storedRows(id, inferenceId: "a").first?.at("label") == .integer(0))
        }
    }

    @Test func droppedRowUpdateChangesNothing() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await Self.pipeline(client)
            #expect(try await client.http("PUT", "/v1/sandbox/faults", json: #"{"dropNext": 1}"#).status == 200)
            await #expect(throws: HTTPClientError.remoteConnectionClosed) {
                _ = try await client.http(
                    "PUT", "/v1/inference-pipelines/\(id)/rows?inferenceId=a",
                    json: #"{"row": {"label": 1}, "config": {}}"#
                )
            }
            #expect(try await client.storedRows(id, inferenceId: "a").first?.at("label") == nil)
            let entry = try #require(try await client.loggedRequests(pipelineId: id).last)
            #expect(entry.at("kind") == .string("rows-update"))
            #expect(entry.at("dropped") == .bool(true))
        }
    }

    @Test func revokedKeyRefusesDataButNotUploadsToPresignedURLs() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await Self.pipeline(client)
            let presigned = try await client.presign("labels.arrow")
            #expect(try await client.http("PUT", "/v1/sandbox/faults", json: #"{"unauthorized": true}"#).status == 200)
            #expect(try await client.http("POST", "/v1/storage/presigned-url?objectName=x.arrow").status == 401)
            let upload = try await client.upload([1, 2, 3], to: presigned, storage: .s3, fileName: "labels.arrow")
            #expect(upload.status == 204, "\(upload.text)")
            let data = try await client.http(
                "POST", "/v1/inference-pipelines/\(id)/data",
                json: #"{"storageUri": "\#(presigned.storageUri)", "config": {}}"#
            )
            #expect(data.status == 401)
            let rows = try await client.http(
                "PUT", "/v1/inference-pipelines/\(id)/rows?inferenceId=a", json: #"{"row": {"label": 1}, "config": {}}"#
            )
            #expect(rows.status == 401)
        }
    }
}

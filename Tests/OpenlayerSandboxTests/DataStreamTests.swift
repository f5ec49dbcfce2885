import DropJSON
import Testing

/// The data-stream route: rows are stored exactly as sent and read back by id or in order.
@Suite struct DataStreamTests {
    static let config = #"""
        {"classNames": ["legit", "fraud"], "featureNames": ["feature_1", "merchant"],
         "categoricalFeatureNames": ["merchant"], "predictionsColumnName": "output",
         "predictionScoresColumnName": "scores", "inferenceIdColumnName": "inference_id",
         "timestampColumnName": "timestamp"}
        """#

    static func body(_ rows: String) -> String { #"{"config": \#(config), "rows": \#(rows)}"# }

    @Test func rowsReadBackByInferenceIdWithTypesAndOrderKept() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let row = #"{"timestamp": 1631971200, "inference_id": "1aef4", "feature_1": 1.0, "count": 1, "#
                + #""merchant": "fuel", "scores": [0.9, 0.1], "ones": [1.0, 2.0], "output": 0, "note": null}"#
            let reply = try await client.send(
                .post, "/v1/inference-pipelines/\(id)/data-stream", body: Self.body("[\(row)]")
            )
            #expect(reply.status == .ok)
            #expect(try reply.json == .object(JSONObject([.init(key: "success", value: .bool(true))])))

            let read = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows?inferenceId=1aef4")
            #expect(read.status == .ok)
            let items = try #require(try read.json.at("items")?.array)
            #expect(items.count == 1)
            let stored = try #require(items.first?.at("row"))
            #expect(stored.at("feature_1") == .double(1.0))
            #expect(stored.at("count") == .integer(1))
            #expect(stored.at("ones") == .array([.double(1.0), .double(2.0)]))
            // The whole row, compared as text: same keys, same order, same number types.
            #expect(stored.compactText == (try JSONParser.parse(row)).compactText)
            #expect(items.first?.at("inferenceId") == .string("1aef4"))
            #expect(items.first?.at("requestId")?.string != nil)
            #expect(items.first?.at("receivedAt")?.string != nil)
        }
    }

    @Test func duplicateInferenceIdsAreAllVisible() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let rows = #"[{"inference_id": "dup", "output": 0}]"#
            for _ in 0..<2 {
                let reply = try await client.send(.post, "/v1/inference-pipelines/\(id)/data-stream", body: Self.body(rows))
                #expect(reply.status == .ok)
            }
            let items = try #require(
                try await client.send(.get, "/v1/inference-pipelines/\(id)/rows?inferenceId=dup").json.at("items")?.array
            )
            try #require(items.count == 2)
            #expect(items[0].at("requestId") != items[1].at("requestId"))
        }
    }

    @Test func integerInferenceIdIsRenderedAsText() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let rows = #"[{"inference_id": 42, "output": 1}, {"output": 0}]"#
            _ = try await client.send(.post, "/v1/inference-pipelines/\(id)/data-stream", body: Self.body(rows))
            let items = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows?inferenceId=42").json.at("items")
            #expect(items?.array?.count == 1)
            #expect(items?.at(0)?.at("row")?.at("inference_id") == .integer(42))
            let all = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows").json
            #expect(all.at("items")?.at(1)?.at("inferenceId") == .null)
        }
    }

    @Test func listingIsInArrivalOrderAndPaged() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let first = (0..<3).map { #"{"inference_id": "r\#($0)", "output": \#($0)}"# }.joined(separator: ",")
            let second = (3..<5).map { #"{"inference_id": "r\#($0)", "output": \#($0)}"# }.joined(separator: ",")
            for rows in [first, second] {
                let reply = try await client.send(
                    .post, "/v1/inference-pipelines/\(id)/data-stream", body: Self.body("[\(rows)]")
                )
                #expect(reply.status == .ok)
            }
            let all = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows?perPage=10000").json
            #expect(all.at("_meta")?.at("totalItems") == .integer(5))
            let ids = all.at("items")?.array?.compactMap { $0.at("inferenceId")?.string }
            #expect(ids == ["r0", "r1", "r2", "r3", "r4"])

            let page = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows?page=2&perPage=2").json
            #expect(page.at("items")?.array?.compactMap { $0.at("inferenceId")?.string } == ["r2", "r3"])
            #expect(page.at("_meta")?.at("totalPages") == .integer(3))

            let pipeline = try await client.send(.get, "/v1/inference-pipelines/\(id)").json
            #expect(pipeline.at("totalRecordsCount") == .integer(5))
        }
    }

    @Test(arguments: [
        ("no config", #"{"rows": [{"a": 1}]}"#),
        ("no rows", #"{"config": {}}"#),
        ("rows not an array", #"{"config": {}, "rows": {"a": 1}}"#),
        ("rows empty", #"{"config": {}, "rows": []}"#),
        ("a row not an object", #"{"config": {}, "rows": [{"a": 1}, [1]]}"#),
        ("config not an object", #"{"config": [], "rows": [{"a": 1}]}"#),
        ("body not an object", #"[{"a": 1}]"#),
        ("body not JSON", #"{"config": {}, "rows": [{"a": 1}"#),
    ])
    func malformedBodyIsABadRequestAndStoresNothing(label: String, body: String) async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let reply = try await client.send(.post, "/v1/inference-pipelines/\(id)/data-stream", body: body)
            #expect(reply.status == .badRequest, "\(label)")
            #expect(try reply.json.at("error")?.string != nil, "\(label)")
            let rows = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows").json
            #expect(rows.at("_meta")?.at("totalItems") == .integer(0), "\(label)")
        }
    }

    @Test func unknownPipelineIsNotFound() async throws {
        try await SandboxHarness.withSandbox { client in
            _ = try await client.createPipeline()
            let unknown = "00000000-0000-0000-0000-000000000000"
            let reply = try await client.send(
                .post, "/v1/inference-pipelines/\(unknown)/data-stream", body: Self.body(#"[{"a": 1}]"#)
            )
            #expect(reply.status == .notFound)
            #expect(try reply.json.at("error")?.string != nil)
            let rows = try await client.send(.get, "/v1/inference-pipelines/\(unknown)/rows")
            #expect(rows.status == .notFound)
        }
    }
}

import DropFormats
import Testing

/// The request log that tests of retry timing read: every data request, in order.
@Suite struct SandboxRequestLogTests {
    @Test func dataRequestsAreLoggedWithRowCountStatusAndTime() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let other = try await client.createPipeline("staging", project: "other model")
            let good = #"{"config": {"inferenceIdColumnName": "id"}, "rows": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}"#
            let bad = #"{"rows": [{"id": "d"}]}"#
            #expect(try await client.send(.post, "/v1/inference-pipelines/\(id)/data-stream", body: good).status == .ok)
            #expect(try await client.send(.post, "/v1/inference-pipelines/\(other)/data-stream", body: good).status == .ok)
            #expect(
                try await client.send(.post, "/v1/inference-pipelines/\(id)/data-stream", body: bad).status == .badRequest
            )

            let reply = try await client.send(.get, "/v1/sandbox/requests?pipelineId=\(id)")
            #expect(reply.status == .ok)
            let items = try #require(try reply.json.at("items")?.array)
            try #require(items.count == 2)
            #expect(items.map { $0.at("pipelineId") } == [.string(id), .string(id)])
            #expect(items.map { $0.at("kind") } == [.string("data-stream"), .string("data-stream")])
            #expect(items.map { $0.at("rowCount") } == [.integer(3), .integer(1)])
            #expect(items.map { $0.at("status") } == [.integer(200), .integer(400)])
            #expect(items[0].at("config")?.at("inferenceIdColumnName") == .string("id"))
            #expect(items[1].at("config") == .null)
            let times = items.compactMap { $0.at("receivedAtMs")?.integer }
            try #require(times.count == 2)
            #expect(times[0] <= times[1])
            #expect(items[0].at("receivedAt")?.string?.contains(".") == true, "millisecond precision")

            // The rows of the successful call carry its request id.
            let rows = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows").json
            #expect(rows.at("items")?.at(0)?.at("requestId") == items[0].at("id"))

            let everything = try await client.send(.get, "/v1/sandbox/requests").json
            #expect(everything.at("items")?.array?.count == 3)
        }
    }
}

import DropFormats
import Testing

/// `PUT /v1/inference-pipelines/{id}/rows?inferenceId=`: a ground truth merged into the stored
/// rows of an inference; one for no stored row accepted and kept pending.
@Suite struct RowUpdateTests {
    static let groundTruth = #"{"row": {"label": 1}, "config": {"groundTruthColumnName": "label"}}"#

    /// A pipeline with rows `a` once and `b` twice.
    static func pipelineWithRows(_ client: SandboxClient) async throws -> String {
        let id = try await client.createPipeline()
        let config = #"{"inferenceIdColumnName": "id"}"#
        for rows in [#"[{"id": "a", "output": 0}, {"id": "b", "output": 1}]"#, #"[{"id": "b", "output": 1}]"#] {
            let reply = try await client.http(
                "POST", "/v1/inference-pipelines/\(id)/data-stream", json: #"{"config": \#(config), "rows": \#(rows)}"#
            )
            try #require(reply.status == 200)
        }
        return id
    }

    @Test func groundTruthIsMergedIntoEveryCopyOfTheInference() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await Self.pipelineWithRows(client)
            let reply = try await client.http(
                "PUT", "/v1/inference-pipelines/\(id)/rows?inferenceId=b", json: Self.groundTruth
            )
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.json.compactText == #"{"success":true}"#)
            let b = try await client.storedRows(id, inferenceId: "b")
            #expect(b.map(\.compactText) == Array(repeating: #"{"id":"b","output":1,"label":1}"#, count: 2))
            let a = try await client.storedRows(id, inferenceId: "a")
            #expect(a.map(\.compactText) == [#"{"id":"a","output":0}"#])

            // A second update replaces the value in place, keeping the key order.
            let relabel = #"{"row": {"output": 0, "label": 0}, "config": {}}"#
            _ = try await client.http("PUT", "/v1/inference-pipelines/\(id)/rows?inferenceId=b", json: relabel)
            let relabeled = try await client.storedRows(id, inferenceId: "b").first
            #expect(relabeled?.compactText == #"{"id":"b","output":0,"label":0}"#)

            let log = try await client.loggedRequests(pipelineId: id)
            let entry = try #require(log.dropLast().last)
            #expect(entry.at("kind") == .string("rows-update"))
            #expect(entry.at("rowCount") == .integer(1))
            #expect(entry.at("mergedCount") == .integer(1))
            #expect(entry.at("unmatchedCount") == .integer(0))
            #expect(entry.at("config")?.at("groundTruthColumnName") == .string("label"))
            let pending = try await client.http("GET", "/v1/sandbox/ground-truths").json
            #expect(pending.at("items")?.array?.isEmpty == true)
        }
    }

    @Test func unknownInferenceIsAcceptedAndKeptPending() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await Self.pipelineWithRows(client)
            let reply = try await client.http(
                "PUT", "/v1/inference-pipelines/\(id)/rows?inferenceId=never+sent", json: Self.groundTruth
            )
            #expect(reply.status == 200, "\(reply.text)")
            let pending = try #require(
                try await client.http("GET", "/v1/sandbox/ground-truths?pipelineId=\(id)").json.at("items")?.array
            )
            try #require(pending.count == 1)
            #expect(pending[0].at("inferenceId") == .string("never sent"))
            #expect(pending[0].at("row")?.compactText == #"{"label":1}"#)
            #expect(pending[0].at("pipelineId") == .string(id))
            let entry = try #require(try await client.loggedRequests(pipelineId: id).last)
            #expect(entry.at("unmatchedCount") == .integer(1))
            #expect(entry.at("mergedCount") == .integer(0))
            let rows = try await client.http("GET", "/v1/inference-pipelines/\(id)/rows").json
            #expect(rows.at("_meta")?.at("totalItems") == .integer(3))
        }
    }

    static let manyProperties = (0...100).map { #""c\#($0)": \#($0)"# }.joined(separator: ", ")

    @Test(arguments: [
        ("no row", "?inferenceId=a", #"{"config": {}}"#),
        ("row not an object", "?inferenceId=a", #"{"row": [1], "config": {}}"#),
        ("empty row", "?inferenceId=a", #"{"row": {}, "config": {}}"#),
        ("101 properties", "?inferenceId=a", #"{"row": {\#(manyProperties)}, "config": {}}"#),
        ("no config", "?inferenceId=a", #"{"row": {"label": 1}}"#),
        ("config name not a string", "?inferenceId=a", #"{"row": {"a": 1}, "config": {"groundTruthColumnName": 1}}"#),
        ("no inferenceId", "", groundTruth),
        ("body not JSON", "?inferenceId=a", #"{"row": "#),
    ])
    func invalidUpdatesAreRefused(label: String, query: String, body: String) async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await Self.pipelineWithRows(client)
            let reply = try await client.http("PUT", "/v1/inference-pipelines/\(id)/rows\(query)", json: body)
            #expect(reply.status == 400, "\(label): \(reply.text)")
            #expect(try reply.json.at("error")?.string != nil, "\(label)")
            #expect(try await client.storedRows(id, inferenceId: "a").first?.compactText == #"{"id":"a","output":0}"#)
            let entry = try #require(try await client.loggedRequests(pipelineId: id).last)
            #expect(entry.at("status") == .integer(400), "\(label)")
            #expect(entry.at("kind") == .string("rows-update"), "\(label)")
        }
    }

    @Test func exactlyOneHundredPropertiesAreAccepted() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await Self.pipelineWithRows(client)
            let properties = (1...100).map { #""c\#($0)": \#($0)"# }.joined(separator: ", ")
            let body = #"{"row": {\#(properties)}, "config": {}}"#
            let reply = try await client.http("PUT", "/v1/inference-pipelines/\(id)/rows?inferenceId=a", json: body)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try await client.storedRows(id, inferenceId: "a").first?.at("c100") == .integer(100))
        }
    }

    @Test func unknownPipelineIsNotFound() async throws {
        try await SandboxHarness.withSandbox { client in
            let reply = try await client.http(
                "PUT", "/v1/inference-pipelines/00000000-0000-0000-0000-000000000000/rows?inferenceId=a",
                json: Self.groundTruth
            )
            #expect(reply.status == 404)
        }
    }
}

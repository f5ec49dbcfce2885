import DropFormats
import Testing

/// Every route requires the configured bearer key, so a client that drops or mangles its key
/// fails against the sandbox as it would against Openlayer.
@Suite struct AuthTests {
    @Test func missingKeyIsRefused() async throws {
        try await SandboxHarness.withSandbox { client in
            let reply = try await client.send(.get, "/v1/projects", key: nil)
            #expect(reply.status == .unauthorized)
            #expect(try reply.json.at("error")?.string?.isEmpty == false)
        }
    }

    @Test func wrongKeyIsRefused() async throws {
        try await SandboxHarness.withSandbox { client in
            let reply = try await client.send(.get, "/v1/projects", key: "not-the-key")
            #expect(reply.status == .unauthorized)
            #expect(try reply.json.at("error")?.string != nil)
            #expect(!reply.text.contains(SandboxHarness.apiKey), "the answer must not reveal the key")
        }
    }

    @Test func sandboxOnlyRoutesNeedTheKeyToo() async throws {
        try await SandboxHarness.withSandbox { client in
            let pipelineId = try await client.createPipeline()
            let rows = try await client.send(.get, "/v1/inference-pipelines/\(pipelineId)/rows", key: "x")
            #expect(rows.status == .unauthorized)
            let requests = try await client.send(.get, "/v1/sandbox/requests", key: nil)
            #expect(requests.status == .unauthorized)
            let stream = try await client.send(
                .post, "/v1/inference-pipelines/\(pipelineId)/data-stream",
                body: #"{"config": {}, "rows": [{"a": 1}]}"#, key: "Bearer"
            )
            #expect(stream.status == .unauthorized)
        }
    }

    /// With the key, an unknown path is a 404 that still carries an `error` message.
    @Test func unknownPathWithKeyIsNotFoundWithAMessage() async throws {
        try await SandboxHarness.withSandbox { client in
            let withoutKey = try await client.send(.get, "/v1/no-such-route", key: nil)
            #expect(withoutKey.status == .unauthorized)
            let withKey = try await client.send(.get, "/v1/no-such-route")
            #expect(withKey.status == .notFound)
            #expect(try withKey.json.at("error")?.string != nil)
        }
    }

    @Test func rightKeyIsAccepted() async throws {
        try await SandboxHarness.withSandbox { client in
            let reply = try await client.send(.get, "/v1/projects")
            #expect(reply.status == .ok)
            #expect(try reply.json.at("items")?.array?.isEmpty == true)
        }
    }
}

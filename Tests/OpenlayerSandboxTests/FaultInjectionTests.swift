import AsyncHTTPClient
import DropJSON
import OpenlayerSandbox
import Testing

/// Injected faults, seen from a client: failures with retry hints, latency, dropped
/// connections and a revoked key; and what they leave in the store and the request log.
@Suite struct FaultInjectionTests {
    static func body(_ inferenceId: String) -> String {
        #"{"config": {"inferenceIdColumnName": "id"}, "rows": [{"id": "\#(inferenceId)", "x": 1}]}"#
    }

    static func stream(_ pipelineId: String) -> String { "/v1/inference-pipelines/\(pipelineId)/data-stream" }

    @Test func failNextFailsThatManyDataRequestsWithRetryAfterAndStoresNothing() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let set = try await client.send(
                .put, "/v1/sandbox/faults", body: #"{"failNext": 2, "status": 503, "retryAfter": "2"}"#
            )
            #expect(set.status == .ok)
            for attempt in 1...2 {
                let reply = try await client.send(.post, Self.stream(id), body: Self.body("r\(attempt)"))
                #expect(reply.status == .serviceUnavailable, "attempt \(attempt)")
                #expect(reply.headers[.retryAfter] == "2", "attempt \(attempt)")
                #expect(reply.header("retry-after-ms") == nil)
                #expect(reply.header("x-should-retry") == nil)
                #expect(try reply.json.at("error")?.string?.isEmpty == false)
            }
            let third = try await client.send(.post, Self.stream(id), body: Self.body("r3"))
            #expect(third.status == .ok)
            #expect(third.headers[.retryAfter] == nil)

            let rows = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows").json
            #expect(rows.at("items")?.array?.compactMap { $0.at("inferenceId")?.string } == ["r3"])
            let log = try await client.requestLog(pipelineId: id)
            #expect(log.map { $0.at("status") } == [.integer(503), .integer(503), .integer(200)])
            #expect(log.map { $0.at("rowCount") } == [.integer(1), .integer(1), .integer(1)])
            #expect(log.map { $0.at("dropped") } == [.bool(false), .bool(false), .bool(false)])
            #expect(log[0].at("config")?.at("inferenceIdColumnName") == .string("id"))
            let times = log.compactMap { $0.at("receivedAtMs")?.integer }
            #expect(times.count == 3 && times == times.sorted())
            let faults = try await client.send(.get, "/v1/sandbox/faults").json
            #expect(faults.at("failNext") == .integer(0))
        }
    }

    @Test func retryAfterMsShouldRetryAndMessageAreSent() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let faults =
                #"{"failNext": 1, "status": 429, "retryAfterMs": 1500, "shouldRetry": false, "message": "slow down"}"#
            #expect(try await client.send(.put, "/v1/sandbox/faults", body: faults).status == .ok)
            let refused = try await client.send(.post, Self.stream(id), body: Self.body("a"))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.header("retry-after-ms") == "1500")
            #expect(refused.header("x-should-retry") == "false")
            #expect(refused.headers[.retryAfter] == nil)
            #expect(try refused.json.at("error") == .string("slow down"))
            #expect(try refused.json.at("code") == .integer(429))

            let retryable = #"{"failNext": 1, "status": 500, "shouldRetry": true}"#
            #expect(try await client.send(.put, "/v1/sandbox/faults", body: retryable).status == .ok)
            let failed = try await client.send(.post, Self.stream(id), body: Self.body("b"))
            #expect(failed.status == .internalServerError)
            #expect(failed.header("x-should-retry") == "true")
            #expect(failed.header("retry-after-ms") == nil)
        }
    }

    @Test func latencyDelaysEveryDataAnswerUntilCleared() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            // Long enough that an answer without it, on a machine busy with other tests, is
            // still clearly faster.
            let latency = Duration.milliseconds(1500)
            #expect(try await client.send(.put, "/v1/sandbox/faults", body: #"{"latencyMs": 1500}"#).status == .ok)
            let clock = ContinuousClock()
            var start = clock.now
            #expect(try await client.send(.post, Self.stream(id), body: Self.body("slow")).status == .ok)
            #expect(clock.now - start >= latency)

            // Failed answers are delayed too.
            let failing = #"{"latencyMs": 1500, "failNext": 1}"#
            #expect(try await client.send(.put, "/v1/sandbox/faults", body: failing).status == .ok)
            start = clock.now
            #expect(try await client.send(.post, Self.stream(id), body: Self.body("x")).status == .serviceUnavailable)
            #expect(clock.now - start >= latency)

            #expect(try await client.send(.delete, "/v1/sandbox/faults").status == .ok)
            start = clock.now
            #expect(try await client.send(.post, Self.stream(id), body: Self.body("fast")).status == .ok)
            #expect(clock.now - start < latency)

            let rows = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows").json
            #expect(rows.at("items")?.array?.compactMap { $0.at("inferenceId")?.string } == ["slow", "fast"])
        }
    }

    @Test func droppedRequestIsATransportErrorAndStoresNothing() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            #expect(try await client.send(.put, "/v1/sandbox/faults", body: #"{"dropNext": 1}"#).status == .ok)
            await #expect(throws: HTTPClientError.remoteConnectionClosed) {
                _ = try await client.postWithAsyncHTTPClient(Self.stream(id), body: Self.body("lost"))
            }
            let rows = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows").json
            #expect(rows.at("_meta")?.at("totalItems") == .integer(0))
            #expect(try await client.send(.get, "/v1/sandbox/faults").json.at("dropNext") == .integer(0))

            let retried = try await client.postWithAsyncHTTPClient(Self.stream(id), body: Self.body("kept"))
            #expect(retried.status == 200, "\(retried.text)")
            let stored = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows").json
            #expect(stored.at("items")?.array?.compactMap { $0.at("inferenceId")?.string } == ["kept"])

            let log = try await client.requestLog(pipelineId: id)
            #expect(log.map { $0.at("status") } == [.integer(0), .integer(200)])
            #expect(log.map { $0.at("dropped") } == [.bool(true), .bool(false)])
            #expect(log.first?.at("rowCount") == .integer(1), "the dropped body was read to the end")
        }
    }

    @Test func unauthorizedRefusesAllButSandboxRoutesUntilLifted() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let set = try await client.send(.put, "/v1/sandbox/faults", body: #"{"unauthorized": true, "failNext": 1}"#)
            #expect(set.status == .ok)

            let projects = try await client.send(.get, "/v1/projects")
            #expect(projects.status == .unauthorized)
            #expect(try projects.json.at("error")?.string?.isEmpty == false)
            #expect(try await client.send(.get, "/v1/inference-pipelines/\(id)").status == .unauthorized)
            let stream = try await client.send(.post, Self.stream(id), body: Self.body("refused"))
            #expect(stream.status == .unauthorized)
            #expect(try stream.json.at("error")?.string != nil)

            let faults = try await client.send(.get, "/v1/sandbox/faults")
            #expect(faults.status == .ok)
            #expect(try faults.json.at("unauthorized") == .bool(true))
            #expect(try faults.json.at("failNext") == .integer(1), "a refused key takes no scheduled failure")
            let log = try await client.send(.get, "/v1/sandbox/requests?pipelineId=\(id)")
            #expect(log.status == .ok)
            #expect(try log.json.at("items")?.array?.map { $0.at("status") } == [.integer(401)])

            #expect(try await client.send(.put, "/v1/sandbox/faults", body: #"{"unauthorized": false}"#).status == .ok)
            #expect(try await client.send(.get, "/v1/projects").status == .ok)
            #expect(try await client.send(.post, Self.stream(id), body: Self.body("accepted")).status == .ok)
            let rows = try await client.send(.get, "/v1/inference-pipelines/\(id)/rows").json
            #expect(rows.at("items")?.array?.compactMap { $0.at("inferenceId")?.string } == ["accepted"])
        }
    }

    @Test func faultsCanBeSetAtStartUp() async throws {
        try await SandboxHarness.withSandbox(faults: SandboxFaults(latencyMs: 5, unauthorized: true)) { client in
            #expect(try await client.send(.get, "/v1/projects").status == .unauthorized)
            let faults = try await client.send(.get, "/v1/sandbox/faults").json
            #expect(faults.at("unauthorized") == .bool(true))
            #expect(faults.at("latencyMs") == .integer(5))
        }
    }

    @Test func invalidStartUpFaultsAreRefused() async throws {
        await #expect(throws: SandboxFaults.Invalid.self) {
            try await SandboxHarness.withSandbox(faults: SandboxFaults(status: 200)) { _ in }
        }
    }
}

extension SandboxClient {
    /// The entries of `GET /v1/sandbox/requests` for one pipeline.
    fileprivate func requestLog(pipelineId: String) async throws -> [JSONValue] {
        let reply = try await send(.get, "/v1/sandbox/requests?pipelineId=\(pipelineId)")
        return try #require(try reply.json.at("items")?.array)
    }
}

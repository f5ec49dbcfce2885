import DropFormats
import Hummingbird
import HummingbirdTesting
import Logging
import OpenlayerSandbox
import ServiceLifecycle
import Testing

/// Runs a real sandbox server in-process on 127.0.0.1, port 0, and talks to it over HTTP.
///
/// Each test gets its own server and in-memory database, so tests run in parallel without
/// sharing ports or data. The port comes from `makeSandboxApplication`'s `onServerRunning`,
/// which therefore gets tested too.
enum SandboxHarness {
    static let apiKey = "sandbox-test-key"

    static func withSandbox<Value: Sendable>(
        databasePath: String? = nil,
        _ body: @Sendable (SandboxClient) async throws -> Value
    ) async throws -> Value {
        var logger = Logger(label: "openlayer-sandbox-tests")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await makeSandboxApplication(
            SandboxConfiguration(host: "127.0.0.1", port: 0, apiKey: apiKey, databasePath: databasePath),
            logger: logger,
            onServerRunning: { port in
                portContinuation.yield(port)
                portContinuation.finish()
            }
        )
        // A service group, as `runService()` uses, so the server is stopped the way SIGTERM
        // stops it (graceful shutdown) rather than by cancellation.
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            #expect(port > 0)
            let client = TestClient(host: "127.0.0.1", port: port)
            client.connect()
            let result: Result<Value, any Error>
            do {
                result = .success(try await body(SandboxClient(client: client)))
            } catch {
                result = .failure(error)
            }
            try? await client.shutdown()
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }
}

/// A JSON-speaking client for one sandbox: sends the test key unless told otherwise.
struct SandboxClient: Sendable {
    let client: TestClient

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        /// The body parsed with DropFormats' parser, so integers and doubles stay apart.
        var json: JSONValue {
            get throws { try JSONParser.parse(text) }
        }
    }

    /// `key: nil` sends no Authorization header.
    func send(
        _ method: HTTPRequest.Method, _ path: String, body: String? = nil,
        key: String? = SandboxHarness.apiKey
    ) async throws -> Reply {
        var headers: HTTPFields = [.accept: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        if body != nil { headers[.contentType] = "application/json" }
        let request = TestClient.Request(
            path, method: method, authority: "127.0.0.1", headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
        let response = try await client.execute(request)
        return Reply(
            status: response.status, headers: response.headers,
            text: response.body.map { String(buffer: $0) } ?? ""
        )
    }

    /// Creates a project and returns its id, checking the answer on the way.
    func createProject(_ name: String, taskType: String = "tabular-classification") async throws -> String {
        let reply = try await send(.post, "/v1/projects", body: #"{"name": "\#(name)", "taskType": "\#(taskType)"}"#)
        #expect(reply.status == .created, "\(reply.text)")
        return try #require(try reply.json.at("id")?.string)
    }

    /// Creates a project and a pipeline in it; returns the pipeline id.
    func createPipeline(_ name: String = "production", project: String = "fraud model") async throws -> String {
        let projectId = try await createProject(project)
        let reply = try await send(
            .post, "/v1/projects/\(projectId)/inference-pipelines",
            body: #"{"name": "\#(name)", "description": null}"#
        )
        #expect(reply.status == .created, "\(reply.text)")
        return try #require(try reply.json.at("id")?.string)
    }
}

/// Navigation helpers for reading answers in tests.
extension JSONValue {
    func at(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    func at(_ index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var integer: Int64? {
        if case .integer(let number) = self { return number }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    /// The compact JSON text, for comparing a whole value including its number types.
    var compactText: String { String(decoding: JSONWriter.encode(self), as: UTF8.self) }
}

import AsyncHTTPClient
import DropJSON
import Foundation
import Hummingbird
import Logging
import NIOCore
import OpenlayerSandbox
import ServiceLifecycle
import Testing

/// The sandbox server run in this process, on 127.0.0.1 and a port of its own, for tests of
/// the engine without spawning binaries: each test gets its own server, database and storage.
struct InProcessSandbox: Sendable {
    static let apiKey = "sk-lifecycle-test"
    let baseURL: String

    static func with<Value: Sendable>(_ body: @Sendable (InProcessSandbox) async throws -> Value) async throws -> Value {
        let storage = NSTemporaryDirectory() + "lifecycle-sandbox-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: storage) }
        var logger = Logger(label: "lifecycle-sandbox")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await makeSandboxApplication(
            SandboxConfiguration(host: "127.0.0.1", port: 0, apiKey: apiKey, storageDirectory: storage),
            logger: logger,
            onServerRunning: { port in
                portContinuation.yield(port)
                portContinuation.finish()
            })
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let result: Result<Value, any Error>
            do {
                result = .success(try await body(InProcessSandbox(baseURL: "http://127.0.0.1:\(port)/v1")))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// Sets the sandbox's faults (`PUT /v1/sandbox/faults`).
    func setFaults(_ json: String) async throws {
        _ = try await request("PUT", "/sandbox/faults", body: json)
    }

    /// Every row the pipeline received, in arrival order, duplicates included.
    func rows(pipelineId: String) async throws -> [JSONObject] {
        guard case .object(let answer) = try await request("GET", "/inference-pipelines/\(pipelineId)/rows?page=1&perPage=10000"),
            case .array(let items)? = answer["items"]
        else { return [] }
        return items.compactMap { item -> JSONObject? in
            if case .object(let fields) = item, case .object(let row)? = fields["row"] { row } else { nil }
        }
    }

    private func request(_ method: String, _ path: String, body: String? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(Self.apiKey)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return try JSONParser.parse(Array(buffer: bytes))
    }
}

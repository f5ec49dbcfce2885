import Hummingbird
import HummingbirdTesting
import Logging
import OpenlayerSandbox
import ServiceLifecycle
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs a real sandbox server in-process on 127.0.0.1, port 0, and talks to it over HTTP.
///
/// Each test gets its own server, in-memory database and storage directory (removed afterwards),
/// so tests run in parallel without sharing ports or data. The port comes from
/// `makeSandboxApplication`'s `onServerRunning`, which therefore gets tested too.
enum SandboxHarness {
    static let apiKey = "sandbox-test-key"

    static func withSandbox<Value: Sendable>(
        databasePath: String? = nil,
        faults: SandboxFaults = SandboxFaults(),
        storage: StorageKind = .s3,
        _ body: @Sendable (SandboxClient) async throws -> Value
    ) async throws -> Value {
        let storageDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("openlayer-sandbox-tests-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: storageDirectory) }
        var logger = Logger(label: "openlayer-sandbox-tests")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await makeSandboxApplication(
            SandboxConfiguration(
                host: "127.0.0.1", port: 0, apiKey: apiKey, databasePath: databasePath, faults: faults,
                storage: storage, storageDirectory: storageDirectory
            ),
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
                result = .success(
                    try await body(SandboxClient(client: client, port: port, storageDirectory: storageDirectory))
                )
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

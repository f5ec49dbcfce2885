import Logging
import OpenlayerSandbox
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A sandbox server run in the test's own process on 127.0.0.1, for tests that want a real
/// server without spawning a binary.
///
/// Each run has its own port (picked by the system, so tests run in parallel), in-memory
/// database unless told otherwise, and storage directory, removed afterwards. The port comes
/// from `makeSandboxApplication`'s `onServerRunning`, which therefore gets tested too. The
/// server is stopped by a service group's graceful shutdown, as SIGTERM stops the
/// `openlayer-sandbox` executable, rather than by cancellation.
public struct InProcessSandbox: Sendable {
    public let port: Int
    /// Where the sandbox keeps uploaded files, for tests that check what reached the disk.
    public let storageDirectory: String

    /// The API's base URL, as a client's configuration names it.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Runs `body` against a new sandbox that accepts `apiKey`, then stops the sandbox, whether
    /// `body` returned or threw.
    public static func run<Value: Sendable>(
        apiKey: String,
        databasePath: String? = nil,
        faults: SandboxFaults = SandboxFaults(),
        storage: StorageKind = .s3,
        _ body: @Sendable (InProcessSandbox) async throws -> Value
    ) async throws -> Value {
        let storageDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("in-process-sandbox-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: storageDirectory) }
        var logger = Logger(label: "in-process-sandbox")
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
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A server that fails to start never reports a port: end the wait for one.
                defer { portContinuation.finish() }
                try await services.run()
            }
            var iterator = ports.makeAsyncIterator()
            let result: Result<Value, any Error>
            if let port = await iterator.next() {
                do {
                    result = .success(try await body(InProcessSandbox(port: port, storageDirectory: storageDirectory)))
                } catch {
                    result = .failure(error)
                }
            } else {
                result = .failure(NotRunning())
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// The server stopped before it said which port it listens on; the service group's error,
    /// thrown by `waitForAll` before this one, says why.
    struct NotRunning: Error {}
}

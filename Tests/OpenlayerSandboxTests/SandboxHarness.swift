import Hummingbird
import HummingbirdTesting
import OpenlayerSandbox
import SandboxTestSupport
import Testing

/// The sandbox tests' way to a server: an `InProcessSandbox` with this target's key, spoken to
/// through HummingbirdTesting's client (`SandboxClient`) so that tests read status and headers
/// as Hummingbird types.
enum SandboxHarness {
    static let apiKey = "sandbox-test-key"

    static func withSandbox<Value: Sendable>(
        databasePath: String? = nil,
        faults: SandboxFaults = SandboxFaults(),
        storage: StorageKind = .s3,
        _ body: @Sendable (SandboxClient) async throws -> Value
    ) async throws -> Value {
        try await InProcessSandbox.run(apiKey: apiKey, databasePath: databasePath, faults: faults, storage: storage) { sandbox in
            #expect(sandbox.port > 0)
            let client = TestClient(host: "127.0.0.1", port: sandbox.port)
            client.connect()
            let sandboxClient = SandboxClient(client: client, port: sandbox.port, storageDirectory: sandbox.storageDirectory)
            do {
                let value = try await body(sandboxClient)
                try? await client.shutdown()
                return value
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }
}

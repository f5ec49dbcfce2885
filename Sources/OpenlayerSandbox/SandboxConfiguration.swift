/// What a sandbox server needs to start: where to listen, which key to accept and where to
/// keep its data.
///
/// The defaults match what a developer expects from a local stand-in for
/// `https://api.openlayer.com/v1`: loopback only (the sandbox has no TLS and a single key, so it
/// must not be reachable from elsewhere by accident) and an in-memory database (a demo or a test
/// starts from nothing and leaves nothing behind).
public struct SandboxConfiguration: Sendable {
    /// The address to bind. Loopback by default.
    public var host: String
    /// The TCP port; `0` lets the system pick a free one (tests run in parallel, so they never
    /// share a fixed port). The bound port is reported through `onServerRunning`.
    public var port: Int
    /// The only bearer token accepted. Every route, the sandbox-only ones included, requires it,
    /// so a client under test is checked for sending its key exactly as it would to Openlayer.
    public var apiKey: String
    /// A SQLite file to keep data across restarts, or `nil` for a private in-memory database.
    public var databasePath: String?
    /// The faults injected from the start (none by default); `PUT /v1/sandbox/faults` changes
    /// them later. They must pass `SandboxFaults.validate()`.
    public var faults: SandboxFaults

    public init(
        host: String = "127.0.0.1", port: Int = 8080, apiKey: String, databasePath: String? = nil,
        faults: SandboxFaults = SandboxFaults()
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.databasePath = databasePath
        self.faults = faults
    }
}

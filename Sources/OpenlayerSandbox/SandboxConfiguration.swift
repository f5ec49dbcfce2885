/// What a sandbox server needs to start: where to listen, which key to accept, where to keep
/// its data and which object storage to imitate.
///
/// The defaults match what a developer expects from a local stand-in for
/// `https://api.openlayer.com/v1`: loopback only (plain HTTP unless `tls` says otherwise, and a single key, so it
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
    /// The object storage imitated by presigned URLs and uploads; S3 by default, as in the SDK.
    public var storage: StorageKind
    /// Where uploaded objects and unpacked reference datasets are kept (created if missing), or
    /// `nil` for a new directory under the system's temporary directory, which the library
    /// leaves behind (the `openlayer-sandbox` executable removes the one it made on exit). Keep
    /// it with `databasePath` across restarts: the database names files in it.
    public var storageDirectory: String?
    /// Serve HTTPS instead of HTTP: for testing a client's custom CA and client certificate.
    public var tls: TLSFiles?

    /// PEM files for HTTPS.
    public struct TLSFiles: Sendable {
        public var certificate: String
        public var privateKey: String
        /// When set, a client must present a certificate this CA signed (mutual TLS).
        public var clientCA: String?

        public init(certificate: String, privateKey: String, clientCA: String? = nil) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.clientCA = clientCA
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, apiKey: String, databasePath: String? = nil,
        faults: SandboxFaults = SandboxFaults(), storage: StorageKind = .s3, storageDirectory: String? = nil
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.databasePath = databasePath
        self.faults = faults
        self.storage = storage
        self.storageDirectory = storageDirectory
    }
}

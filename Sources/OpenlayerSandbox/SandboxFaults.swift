import DropJSON


/// The faults the sandbox injects, so that a client's delivery guarantees (retries, back-off,
/// no lost and no silently duplicated rows) can be tested against a server that misbehaves the
/// way real ones do: overloaded, slow, cut off, or refusing the key.
///
/// Counts and switches concern *data requests* (the routes that publish rows, see
/// `DataFaultMiddleware`), except `unauthorized`, which concerns every route but
/// `/v1/sandbox/*`. The zero value (`SandboxFaults()`) injects nothing. Set at start-up through
/// `SandboxConfiguration.faults`, changed later through `PUT /v1/sandbox/faults`.
public struct SandboxFaults: Sendable, Equatable {
    /// How many of the next data requests are answered `status` instead of being stored.
    public var failNext: Int
    /// The status of those answers: a client error or server error (400–599); 503 by default.
    public var status: Int
    /// Sent verbatim as `Retry-After` with each failure: delay-seconds or an HTTP date, or
    /// anything else a test wants to see a client survive.
    public var retryAfter: String?
    /// Sent as `retry-after-ms` with each failure (the header Stainless-generated SDKs, Openlayer's
    /// among them, read before `Retry-After`).
    public var retryAfterMs: Int?
    /// Sent as `x-should-retry: true|false` with each failure (the same SDKs' override of their
    /// own retry decision).
    public var shouldRetry: Bool?
    /// The `error` text of failures and of `unauthorized` refusals, instead of the default one.
    public var message: String?
    /// Added to the answer of every data request, failed ones included.
    public var latencyMs: Int
    /// How many of the next data requests are read, not stored, and answered by closing the
    /// connection. They are taken before `failNext` ones.
    public var dropNext: Int
    /// Answer 401 to every request but `/v1/sandbox/*`, as if the key had been revoked.
    public var unauthorized: Bool

    /// Longest `latencyMs` accepted: a delayed answer holds up graceful shutdown, so a typo must
    /// not make a sandbox unstoppable for hours.
    public static let maximumLatencyMs = 600_000

    public init(
        failNext: Int = 0, status: Int = 503, retryAfter: String? = nil, retryAfterMs: Int? = nil,
        shouldRetry: Bool? = nil, message: String? = nil, latencyMs: Int = 0, dropNext: Int = 0,
        unauthorized: Bool = false
    ) {
        self.failNext = failNext
        self.status = status
        self.retryAfter = retryAfter
        self.retryAfterMs = retryAfterMs
        self.shouldRetry = shouldRetry
        self.message = message
        self.latencyMs = latencyMs
        self.dropNext = dropNext
        self.unauthorized = unauthorized
    }

    /// Why a set of faults cannot be applied; its description names the field.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Checks every field, so that a mistyped fault is refused instead of silently not injected
    /// (a test would then pass for the wrong reason).
    public func validate() throws(Invalid) {
        func check(_ condition: Bool, _ problem: String) throws(Invalid) {
            if !condition { throw Invalid(description: problem) }
        }
        try check(failNext >= 0, "'failNext' must be zero or more.")
        try check(dropNext >= 0, "'dropNext' must be zero or more.")
        try check((400...599).contains(status), "'status' must be between 400 and 599.")
        try check(
            (0...Self.maximumLatencyMs).contains(latencyMs),
            "'latencyMs' must be between 0 and \(Self.maximumLatencyMs)."
        )
        try check((retryAfterMs ?? 0) >= 0, "'retryAfterMs' must be zero or more.")
        if let retryAfter {
            try check(
                !retryAfter.isEmpty && retryAfter.utf8.allSatisfy(Self.isFieldValueByte),
                "'retryAfter' must be non-empty printable ASCII."
            )
        }
    }

    /// Visible ASCII and space: what an HTTP header value may hold without being rejected or
    /// rewritten on the way out (no CR or LF, so no header injection either).
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte)
    }
}

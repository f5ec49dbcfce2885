/// A failed call to the Openlayer API.
///
/// Carries what a person needs to act on it (the call, the status, the server's own words)
/// and what the retry policy needs to classify it, but never the API key.
public struct OpenlayerError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server answered with a non-2xx status.
        case status(Int)
        /// No answer: connection refused or reset, DNS, TLS, or a timeout.
        case transport
        /// A 2xx answer whose body is not what the API documents.
        case unexpectedResponse
    }

    public var kind: Kind
    /// `METHOD /path` of the call, without query secrets (there are none) or headers.
    public var call: String
    /// The server's message, or the transport error's description.
    public var message: String
    /// Headers that steer retries: `retry-after-ms`, `retry-after`, `x-should-retry`.
    public var retryHeaders: [String: String]

    public init(kind: Kind, call: String, message: String, retryHeaders: [String: String] = [:]) {
        self.kind = kind
        self.call = call
        self.message = message
        self.retryHeaders = retryHeaders
    }

    public var statusCode: Int? {
        if case .status(let code) = kind { return code }
        return nil
    }

    public var description: String {
        switch kind {
        case .status(let code): "\(call) answered \(code): \(message)"
        case .transport: "\(call) failed: \(message)"
        case .unexpectedResponse: "\(call) answered with an unexpected body: \(message)"
        }
    }
}

/// An Openlayer API key. Its descriptions are redacted so that it can travel through
/// logs, errors and string interpolation without ever being printed.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; read only where a request header is built.
    let secret: String

    public init(_ secret: String) {
        self.secret = secret
    }

    public var description: String { "APIKey(redacted)" }
    public var debugDescription: String { description }
}

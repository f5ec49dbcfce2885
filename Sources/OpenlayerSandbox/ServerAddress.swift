import Hummingbird
import Synchronization

/// The address the server listens on, learned once it runs, for building absolute upload URLs.
///
/// The port is known only from `onServerRunning` when the configuration asks for port 0, hence
/// a shared, late-filled value. A server bound to a wildcard address (`0.0.0.0`, `::`) has no
/// single address to give, so the URLs then use the `Host` the client connected with.
final class ServerAddress: Sendable {
    private let host: String
    private let scheme: String
    private let port: Mutex<Int?>

    init(host: String, scheme: String = "http") {
        self.host = host
        self.scheme = scheme
        port = Mutex(nil)
    }

    func serverRunning(port: Int) {
        self.port.withLock { $0 = port }
    }

    /// `http://HOST:PORT`, without a trailing slash.
    func baseURL(for request: Request) -> String {
        let boundPort = port.withLock { $0 }
        if let boundPort, !Self.isWildcard(host) {
            return "\(scheme)://\(Self.urlHost(host)):\(boundPort)"
        }
        let authority = request.head.authority ?? "127.0.0.1:\(boundPort ?? 0)"
        return "\(scheme)://\(authority)"
    }

    /// IPv6 literals need brackets in a URL.
    static func urlHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    private static func isWildcard(_ host: String) -> Bool {
        ["0.0.0.0", "::", "[::]", ""].contains(host)
    }
}

import Foundation
import OpenlayerAPI

/// How the service as a whole behaves: when a file counts as finished, how long a shutdown
/// may take, how failed requests are retried. Set under `service:`.
public struct ServiceSettings: Sendable, Equatable {
    /// A file is taken only once it has not changed for this long (size, modification and
    /// status-change time), even after it was closed or renamed into the inbox.
    public var settleTime: Duration = .seconds(2)
    /// On SIGTERM or SIGINT the file in hand may finish its requests in flight for this long;
    /// what is not acknowledged by then is sent again at the next start.
    public var shutdownTimeout: Duration = .seconds(30)
    public var retry = RetryPolicy()
    /// How long a file held back by a local fault (a failed move, a read error) waits before
    /// it is taken up again.
    public var localRetryDelay: Duration = .seconds(5)
    /// How long the journal remembers a finished file (archived, rejected or a duplicate):
    /// its identity, for duplicate detection, and its inference ids, for the checks that warn
    /// about ids published twice or never. Older entries are forgotten, as a log shipper
    /// forgets the checkpoints of files long gone.
    public var journalRetention: Duration = .seconds(90 * 86_400)
    /// Where `/metrics`, `/healthz` and `/readyz` are served (`service.http.listen`); nil when
    /// `service: {http: null}` turns them off. Loopback by default: the metrics say which
    /// pipelines exist and how busy they are, which is for the machine's own scraper to read.
    public var httpListen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 9464)
    /// How `watch` writes its log lines (`service.logFormat`; `--log-format` overrides it).
    public var logFormat: LogFormat = .text

    public init() {}
}

/// How log lines are written: `text` for a person at a terminal or journald, `json` (one
/// object per line) for a log shipper that reads fields.
public enum LogFormat: String, Sendable, Decodable, CaseIterable {
    case text, json
}

/// A host and TCP port to listen on, written `host:port` (an IPv6 host in brackets: `[::1]:9464`).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    /// 0 asks for any free port.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `host:port`, or says why it is not one.
    public static func parse(_ text: String) -> Result<ListenAddress, ListenAddressError> {
        guard let colon = text.lastIndex(of: ":") else { return .failure(.init(reason: "expected host:port, such as 127.0.0.1:9464")) }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65_535).contains(port) else {
            return .failure(.init(reason: "expected a port from 0 to 65535 after the last ':', found '\(portText)'"))
        }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else { return .failure(.init(reason: "'\(host)' is not an IPv6 address")) }
        } else {
            guard !host.isEmpty else { return .failure(.init(reason: "expected a host before ':', such as 127.0.0.1 or 0.0.0.0")) }
            guard !host.contains(":") else { return .failure(.init(reason: "write an IPv6 host in brackets, such as [::1]:9464")) }
            var address = in_addr()
            let isIPv4 = inet_pton(AF_INET, host, &address) == 1
            guard isIPv4 || host.range(of: #"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$"#, options: .regularExpression) != nil else {
                return .failure(.init(reason: "'\(host)' is neither an IP address nor a host name"))
            }
        }
        return .success(ListenAddress(host: host, port: port))
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why a `host:port` cannot be listened on.
public struct ListenAddressError: Error, Sendable {
    public var reason: String
}

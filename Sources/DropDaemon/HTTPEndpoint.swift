import DropEngine
import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// `GET /metrics` (Prometheus text), `/healthz` (the process answers) and `/readyz` (the
/// service can publish), at `service.http.listen`, for a scraper and an orchestrator's probes.
///
/// A service of the same group as `DropService`: an address that cannot be bound stops the
/// start with `HTTPEndpointError`, rather than leaving a service nobody can see.
public struct HTTPEndpoint: Service, CustomStringConvertible {
    let address: ListenAddress
    let registry: PrometheusCollectorRegistry
    let readiness: ServiceReadiness
    let logger: Logger

    public init(address: ListenAddress, registry: PrometheusCollectorRegistry, readiness: ServiceReadiness, logger: Logger) {
        self.address = address
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
    }

    public var description: String { "HTTPEndpoint" }

    /// The Prometheus text format's content type, as scrapers ask for it.
    static let metricsContentType = "text/plain; version=0.0.4"

    public func run() async throws {
        let router = Router()
        router.get("metrics") { [registry] _, _ -> Response in
            var text: [UInt8] = []
            registry.emit(into: &text)
            return Response(
                status: .ok, headers: [.contentType: Self.metricsContentType], body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        router.get("healthz") { _, _ -> Response in
            Self.json(.ok, #"{"status":"alive"}"#)
        }
        router.get("readyz") { [readiness] _, _ -> Response in
            let reasons = readiness.reasons
            guard !reasons.isEmpty else { return Self.json(.ok, #"{"ready":true}"#) }
            let encoded = (try? JSONEncoder().encode(reasons)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
            return Self.json(.serviceUnavailable, #"{"ready":false,"reasons":"# + encoded + "}")
        }
        // Hummingbird narrates each connection at debug level: kept for trace.
        var serverLogger = logger
        serverLogger.logLevel = logger.logLevel == .trace ? .trace : max(logger.logLevel, .info)
        let address = self.address
        let logger = self.logger
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "openlayer-drop"),
            onServerRunning: { channel in
                let bound = ListenAddress(host: address.host, port: channel.localAddress?.port ?? address.port)
                logger.info("serving /metrics, /healthz and /readyz", metadata: ["listen": "http://\(bound)"])
            },
            logger: serverLogger)
        do {
            try await application.run()
        } catch {
            throw HTTPEndpointError(address: address, underlying: error)
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The endpoint could not listen (the port is taken, the address is not this machine's).
public struct HTTPEndpointError: Error, CustomStringConvertible {
    public var address: ListenAddress
    public var underlying: any Error

    public var description: String {
        "cannot serve metrics and health checks on \(address) (service.http.listen): \(underlying); "
            + "choose another address, or turn the endpoint off with 'service: {http: null}'"
    }
}

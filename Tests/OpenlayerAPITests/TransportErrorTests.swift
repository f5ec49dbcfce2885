import AsyncHTTPClient
import Foundation
import Logging
import OpenlayerAPI
import Testing

/// What a person reads when Openlayer cannot be reached at all.
@Suite("Transport errors")
struct TransportErrorTests {
    @Test("A refused connection says so in plain words")
    func connectionRefused() async throws {
        // A port that was just free: nothing listens there.
        let port = try Self.freePort()
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(1)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let client = OpenlayerClient(
            baseURL: "http://127.0.0.1:\(port)/v1", apiKey: APIKey("sk-test"), httpClient: httpClient,
            logger: Logger(label: "test"))
        do {
            _ = try await client.projects(named: "P")
            Issue.record("a request to a closed port succeeded")
        } catch {
            #expect(error.kind == .transport)
            #expect(error.description == "GET /projects failed: cannot reach the server: connection refused", "\(error)")
        }
        try await httpClient.shutdown()
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

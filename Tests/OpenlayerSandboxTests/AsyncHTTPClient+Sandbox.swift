import AsyncHTTPClient
import Hummingbird

/// Requests sent with AsyncHTTPClient, the client the uploader uses.
///
/// HummingbirdTesting's client keeps one connection per sandbox and has no notion of a
/// connection closed mid-request; AsyncHTTPClient reports it as the error a real client sees,
/// and opens a new connection for the next request, as a retrying client would.
extension SandboxClient {
    struct RawReply: Sendable {
        var status: Int
        var text: String
    }

    /// POSTs `body` as JSON with the test key.
    func postWithAsyncHTTPClient(_ path: String, body: String) async throws -> RawReply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(SandboxHarness.apiKey)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1024 * 1024)
        return RawReply(status: Int(response.status.code), text: String(buffer: bytes))
    }
}

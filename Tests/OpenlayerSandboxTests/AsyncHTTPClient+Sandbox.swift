import AsyncHTTPClient
import DropJSON
import Hummingbird

/// Requests sent with AsyncHTTPClient, the client the uploader uses.
///
/// HummingbirdTesting's client keeps one connection per sandbox and has no notion of a
/// connection closed mid-request; AsyncHTTPClient reports it as the error a real client sees,
/// and opens a new connection for the next request, as a retrying client would. It also reaches
/// absolute URLs, such as the upload URLs the sandbox presigns.
extension SandboxClient {
    struct RawReply: Sendable {
        var status: Int
        var text: String
        /// Header values by lowercased name (the last one of a repeated name).
        var headers: [String: String] = [:]

        var json: JSONValue {
            get throws { try JSONParser.parse(text) }
        }
    }

    /// POSTs `body` as JSON with the test key.
    func postWithAsyncHTTPClient(_ path: String, body: String) async throws -> RawReply {
        try await http("POST", path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    /// Sends `body` as JSON with the test key.
    func http(_ method: String, _ target: String, json body: String) async throws -> RawReply {
        try await http(method, target, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    /// Any request: `target` is a path on the sandbox or an absolute URL. `key: nil` sends no
    /// Authorization header, as an upload to a presigned URL must not.
    func http(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        key: String? = SandboxHarness.apiKey
    ) async throws -> RawReply {
        let url = target.hasPrefix("http") ? target : "http://127.0.0.1:\(port)\(target)"
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        var replyHeaders: [String: String] = [:]
        for header in response.headers { replyHeaders[header.name.lowercased()] = header.value }
        return RawReply(status: Int(response.status.code), text: String(buffer: bytes), headers: replyHeaders)
    }
}

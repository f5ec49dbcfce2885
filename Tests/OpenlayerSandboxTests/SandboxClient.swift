import DropJSON
import Hummingbird
import HummingbirdTesting
import Testing

/// A JSON-speaking client for one sandbox: sends the test key unless told otherwise.
struct SandboxClient: Sendable {
    let client: TestClient
    /// The sandbox's port, for clients other than `client` (see `AsyncHTTPClient+Sandbox`).
    let port: Int
    /// Where the sandbox keeps uploaded files, for tests that check what reached the disk.
    let storageDirectory: String

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        /// The body parsed with DropJSON's parser, so integers and doubles stay apart.
        var json: JSONValue {
            get throws { try JSONParser.parse(text) }
        }

        /// A header by name, any case; for names `HTTPField.Name` has no constant for.
        func header(_ name: String) -> String? {
            headers.first { $0.name.canonicalName == name.lowercased() }?.value
        }
    }

    /// `key: nil` sends no Authorization header.
    func send(
        _ method: HTTPRequest.Method, _ path: String, body: String? = nil,
        key: String? = SandboxHarness.apiKey
    ) async throws -> Reply {
        var headers: HTTPFields = [.accept: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        if body != nil { headers[.contentType] = "application/json" }
        let request = TestClient.Request(
            path, method: method, authority: "127.0.0.1", headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
        let response = try await client.execute(request)
        return Reply(
            status: response.status, headers: response.headers,
            text: response.body.map { String(buffer: $0) } ?? ""
        )
    }

    /// Creates a project and returns its id, checking the answer on the way.
    func createProject(_ name: String, taskType: String = "tabular-classification") async throws -> String {
        let reply = try await send(.post, "/v1/projects", body: #"{"name": "\#(name)", "taskType": "\#(taskType)"}"#)
        #expect(reply.status == .created, "\(reply.text)")
        return try #require(try reply.json.at("id")?.string)
    }

    /// Creates a project and a pipeline in it; returns the pipeline id.
    func createPipeline(_ name: String = "production", project: String = "fraud model") async throws -> String {
        let projectId = try await createProject(project)
        let reply = try await send(
            .post, "/v1/projects/\(projectId)/inference-pipelines",
            body: #"{"name": "\#(name)", "description": null}"#
        )
        #expect(reply.status == .created, "\(reply.text)")
        return try #require(try reply.json.at("id")?.string)
    }
}

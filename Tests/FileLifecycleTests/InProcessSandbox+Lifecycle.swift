import AsyncHTTPClient
import DropJSON
import NIOCore
import SandboxTestSupport

/// What the lifecycle tests ask of their sandbox: faults to inject and the rows it received,
/// over the same HTTP client the engine uses.
extension InProcessSandbox {
    static let apiKey = "sk-lifecycle-test"

    /// A sandbox accepting `apiKey`, for one test.
    static func with<Value: Sendable>(_ body: @Sendable (InProcessSandbox) async throws -> Value) async throws -> Value {
        try await run(apiKey: apiKey, body)
    }

    /// Sets the sandbox's faults (`PUT /v1/sandbox/faults`).
    func setFaults(_ json: String) async throws {
        _ = try await request("PUT", "/sandbox/faults", body: json)
    }

    /// Every row the pipeline received, in arrival order, duplicates included.
    func rows(pipelineId: String) async throws -> [JSONObject] {
        guard case .object(let answer) = try await request("GET", "/inference-pipelines/\(pipelineId)/rows?page=1&perPage=10000"),
            case .array(let items)? = answer["items"]
        else { return [] }
        return items.compactMap { item -> JSONObject? in
            if case .object(let fields) = item, case .object(let row)? = fields["row"] { row } else { nil }
        }
    }

    func request(_ method: String, _ path: String, body: String? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(Self.apiKey)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return try JSONParser.parse(Array(buffer: bytes))
    }
}

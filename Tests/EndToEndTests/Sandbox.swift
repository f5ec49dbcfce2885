import DropJSON
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `openlayer-sandbox` binary on a free loopback port, and a reader of what it stored.
final class Sandbox: Sendable {
    let child: ChildProcess
    let baseURL: String
    let apiKey: String

    let port: Int
    let databasePath: String?

    /// - Parameters:
    ///   - port: 0 for any free port; a sandbox restarted after an outage takes its old port.
    ///   - databasePath: a file, so that what was received survives a restart.
    /// - Parameter storageDirectory: where the sandbox keeps uploaded objects, for tests that
    ///   read them back with other tools.
    /// - Parameter storage: the object storage to imitate (`s3`, `gcs`, `azure`, `local`).
    init(
        apiKey: String = "sk-sandbox-test", port: Int = 0, databasePath: String? = nil, storageDirectory: String? = nil,
        storage: String? = nil, extraArguments: [String] = []
    ) throws {
        self.apiKey = apiKey
        self.databasePath = databasePath
        let output = Pipe()
        var arguments = ["--port", String(port), "--api-key", apiKey]
        if let databasePath { arguments += ["--database", databasePath] }
        if let storageDirectory { arguments += ["--storage-dir", storageDirectory] }
        if let storage { arguments += ["--storage", storage] }
        arguments += extraArguments
        child = try ChildProcess("openlayer-sandbox", arguments: arguments, stdout: output, stderr: FileHandle.nullDevice)
        // The sandbox prints one line once it listens: "openlayer-sandbox listening on http://127.0.0.1:PORT/v1".
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw SandboxError.exitedEarly(String(decoding: line, as: UTF8.self)) }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let range = text.range(of: "https://") ?? text.range(of: "http://") else { throw SandboxError.exitedEarly(text) }
        baseURL = String(text[range.lowerBound...])
        self.port = Int(baseURL.split(separator: ":").last?.split(separator: "/").first ?? "") ?? 0
    }

    /// The same sandbox started again on its port and database, after `stop()`.
    func restarted() throws -> Sandbox {
        try Sandbox(apiKey: apiKey, port: port, databasePath: databasePath)
    }

    enum SandboxError: Error { case exitedEarly(String), badAnswer(String) }

    func stop() { child.stop() }

    /// GET `path` (under `/v1`) with the key; the parsed JSON answer.
    func get(_ path: String) async throws -> JSONValue {
        try await send("GET", path)
    }

    /// Sets the sandbox's faults (see `PUT /v1/sandbox/faults`), replacing earlier ones.
    func setFaults(_ json: String) async throws {
        _ = try await send("PUT", "/sandbox/faults", body: json)
    }

    func send(_ method: String, _ path: String, body: String? = nil) async throws -> JSONValue {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw SandboxError.badAnswer("\(path): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONParser.parse(Array(data))
    }

    /// Every row the pipeline received, in arrival order (duplicates included).
    func rows(pipelineId: String) async throws -> [JSONObject] {
        try await receivedRows(pipelineId: pipelineId).map(\.row)
    }

    /// Every row the pipeline received with the id of the request that carried it.
    func receivedRows(pipelineId: String) async throws -> [(row: JSONObject, requestId: String)] {
        var rows: [(row: JSONObject, requestId: String)] = []
        var page = 1
        let perPage = 10_000
        while true {
            guard case .object(let answer) = try await get("/inference-pipelines/\(pipelineId)/rows?page=\(page)&perPage=\(perPage)"),
                case .array(let items)? = answer["items"]
            else { throw SandboxError.badAnswer("rows listing") }
            for case .object(let item) in items {
                if case .object(let row)? = item["row"], case .string(let request)? = item["requestId"] { rows.append((row, request)) }
            }
            if items.count < perPage { return rows }
            page += 1
        }
    }

    /// The data requests the pipeline received, in order.
    func dataRequests(pipelineId: String? = nil) async throws -> [JSONObject] {
        let query = pipelineId.map { "?pipelineId=\($0)" } ?? ""
        guard case .object(let answer) = try await get("/sandbox/requests\(query)"), case .array(let items)? = answer["items"] else {
            throw SandboxError.badAnswer("requests listing")
        }
        return items.compactMap { if case .object(let item) = $0 { item } else { nil } }
    }
}

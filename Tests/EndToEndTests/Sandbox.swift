import DropFormats
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `openlayer-sandbox` binary on a free loopback port, and a reader of what it stored.
final class Sandbox: Sendable {
    let child: ChildProcess
    let baseURL: String
    let apiKey: String

    init(apiKey: String = "sk-sandbox-test") throws {
        self.apiKey = apiKey
        let output = Pipe()
        child = try ChildProcess("openlayer-sandbox", arguments: ["--port", "0", "--api-key", apiKey], stdout: output, stderr: FileHandle.nullDevice)
        // The sandbox prints one line once it listens: "openlayer-sandbox listening on http://127.0.0.1:PORT/v1".
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw SandboxError.exitedEarly(String(decoding: line, as: UTF8.self)) }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let range = text.range(of: "http://") else { throw SandboxError.exitedEarly(text) }
        baseURL = String(text[range.lowerBound...])
    }

    enum SandboxError: Error { case exitedEarly(String), badAnswer(String) }

    func stop() { child.stop() }

    /// GET `path` (under `/v1`) with the key; the parsed JSON answer.
    func get(_ path: String) async throws -> JSONValue {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw SandboxError.badAnswer("\(path): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONParser.parse(Array(data))
    }

    /// Every row the pipeline received, in arrival order (duplicates included).
    func rows(pipelineId: String) async throws -> [JSONObject] {
        var rows: [JSONObject] = []
        var page = 1
        while true {
            guard case .object(let answer) = try await get("/inference-pipelines/\(pipelineId)/rows?page=\(page)&perPage=1000"),
                case .array(let items)? = answer["items"]
            else { throw SandboxError.badAnswer("rows listing") }
            for case .object(let item) in items {
                if case .object(let row)? = item["row"] { rows.append(row) }
            }
            if items.count < 1000 { return rows }
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

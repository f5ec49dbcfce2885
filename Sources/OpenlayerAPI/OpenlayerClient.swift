import AsyncHTTPClient
import DropJSON
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A client for the parts of Openlayer's REST API that publishing needs.
///
/// It speaks the wire format of `openlayer-api.md` (paths, camelCase keys, bearer auth) and
/// knows nothing of files or configs: callers hand it names, ids and ready-made bodies.
/// One attempt per call; whether and when to try again is the caller's policy.
public struct OpenlayerClient: Sendable {
    public static let defaultBaseURL = "https://api.openlayer.com/v1"

    public private(set) var baseURL: String
    /// Shared by every copy of the client, so that a key replaced by a reload reaches the
    /// requests of files already in hand, including those waiting out a refused key.
    private let apiKey: CurrentKey
    private let httpClient: HTTPClient
    private let timeout: TimeAmount
    private let logger: Logger

    /// - Parameters:
    ///   - baseURL: ends with the API version, e.g. `https://api.openlayer.com/v1`.
    ///   - httpClient: owned by the caller, who shuts it down.
    public init(
        baseURL: String,
        apiKey: APIKey,
        httpClient: HTTPClient,
        timeout: Duration = .seconds(60),
        logger: Logger
    ) {
        self.baseURL = Self.withoutTrailingSlash(baseURL)
        self.apiKey = CurrentKey(apiKey)
        self.httpClient = httpClient
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
            + timeout.components.attoseconds / 1_000_000_000)
        self.logger = logger
    }

    /// A copy that sends its requests to `baseURL`, with the same key (replaced by `use` in both).
    public func addressing(_ baseURL: String) -> OpenlayerClient {
        var copy = self
        copy.baseURL = Self.withoutTrailingSlash(baseURL)
        return copy
    }

    /// Paths start with `/`: a base URL written with a trailing one would double it.
    private static func withoutTrailingSlash(_ baseURL: String) -> String {
        baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// Sends `key` from the next request on, from this client and every copy of it.
    public func use(_ key: APIKey) {
        apiKey.key.withLock { $0 = key }
    }

    // MARK: Projects and pipelines

    /// Projects whose name is exactly `name`. The server's `name` filter may match loosely,
    /// so the comparison is made here again.
    public func projects(named name: String) async throws(OpenlayerError) -> [Project] {
        let list: ListResponse<Project> = try await send(
            .GET, "/projects", query: [("name", name), ("perPage", "100")])
        return list.items.filter { $0.name == name }
    }

    public func createProject(name: String, taskType: TaskType, description: String? = nil)
        async throws(OpenlayerError) -> Project
    {
        try await send(
            .POST, "/projects",
            body: CreateProjectBody(name: name, taskType: taskType.rawValue, description: description))
    }

    /// The project called `name`, created with `taskType` when there is none.
    public func loadOrCreateProject(name: String, taskType: TaskType) async throws(OpenlayerError) -> Project {
        if let existing = try await projects(named: name).first { return existing }
        return try await createProject(name: name, taskType: taskType)
    }

    public func inferencePipelines(projectId: String, named name: String)
        async throws(OpenlayerError) -> [InferencePipeline]
    {
        let list: ListResponse<InferencePipeline> = try await send(
            .GET, "/projects/\(projectId)/inference-pipelines", query: [("name", name), ("perPage", "100")])
        return list.items.filter { $0.name == name }
    }

    public func createInferencePipeline(projectId: String, name: String, description: String? = nil)
        async throws(OpenlayerError) -> InferencePipeline
    {
        try await send(
            .POST, "/projects/\(projectId)/inference-pipelines",
            body: CreatePipelineBody(name: name, description: description))
    }

    /// The pipeline called `name` in the project, created when there is none.
    public func loadOrCreateInferencePipeline(projectId: String, name: String)
        async throws(OpenlayerError) -> InferencePipeline
    {
        if let existing = try await inferencePipelines(projectId: projectId, named: name).first {
            return existing
        }
        return try await createInferencePipeline(projectId: projectId, name: name)
    }

    public func inferencePipeline(id: String) async throws(OpenlayerError) -> InferencePipeline {
        try await send(.GET, "/inference-pipelines/\(id)")
    }

    // MARK: Publishing

    /// Publishes one batch by stream. Returns once the server acknowledged it with a 2xx.
    public func streamData(pipelineId: String, batch: DataStreamBatch) async throws(OpenlayerError) {
        let path = "/inference-pipelines/\(pipelineId)/data-stream"
        let (_, body) = try await perform(.POST, path, query: [], body: batch.buffer)
        guard case .object(let answer)? = try? JSONParser.parse(body), answer["success"] == .bool(true) else {
            throw OpenlayerError(
                kind: .unexpectedResponse, call: "POST \(path)",
                message: String(decoding: body.prefix(300), as: UTF8.self))
        }
    }

    /// Ground truth (or any column) for the rows published under `inferenceId`:
    /// `PUT /inference-pipelines/{id}/rows?inferenceId=…` with `{"row", "config"}`.
    /// Returns the bytes of the body sent, for the caller's metrics.
    @discardableResult
    public func updateRow(pipelineId: String, inferenceId: String, row: JSONObject, config: JSONObject) async throws(OpenlayerError) -> Int {
        var body = Array(#"{"row":"#.utf8)
        JSONWriter.append(.object(row), to: &body)
        body += Array(#","config":"#.utf8)
        JSONWriter.append(.object(config), to: &body)
        body.append(UInt8(ascii: "}"))
        let path = "/inference-pipelines/\(pipelineId)/rows"
        _ = try await perform(.PUT, path, query: [("inferenceId", inferenceId)], body: body)
        return body.count
    }

    // MARK: Bulk data and reference datasets

    /// `POST /storage/presigned-url?objectName=…`: where to upload a file.
    public func presignedURL(objectName: String) async throws(OpenlayerError) -> PresignedURL {
        let (_, body) = try await perform(.POST, "/storage/presigned-url", query: [("objectName", objectName)], body: nil as ByteBuffer?)
        return try decode(body, call: "POST /storage/presigned-url")
    }

    /// Uploads to a presigned URL the way the official SDK does for each kind of storage.
    /// The URL carries its own authorization: no API key is sent there.
    public func upload(_ source: UploadSource, to presigned: PresignedURL, objectName: String, storage: StorageKind) async throws(OpenlayerError) {
        let call = "upload of \(objectName)"
        var request = HTTPClientRequest(url: presigned.url)
        switch storage {
        case .s3, .local:
            let fields = storage == .s3 ? (presigned.fields ?? [:]).sorted { $0.key < $1.key } : []
            let multipart = MultipartUpload(fields: fields, fileName: objectName, contentType: storage.uploadContentType)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: multipart.contentType)
            request.body = .stream(multipart.body(around: source), length: .known(multipart.length(fileLength: source.length)))
        case .gcs, .azure:
            request.method = .PUT
            request.headers.add(name: "Content-Type", value: storage.uploadContentType)
            if storage == .azure { request.headers.add(name: "x-ms-blob-type", value: "BlockBlob") }
            request.body = .stream(source.chunks(), length: .known(source.length))
        }
        let response: HTTPClientResponse
        let answer: [UInt8]
        do {
            response = try await httpClient.execute(request, timeout: .hours(3), logger: logger)
            var buffer = try await response.body.collect(upTo: 1024 * 1024)
            answer = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw OpenlayerError(kind: .transport, call: call, message: Self.describe(error))
        }
        guard (200..<300).contains(response.status.code) else {
            throw OpenlayerError(
                kind: .status(Int(response.status.code)), call: call,
                message: Self.serverMessage(answer, status: response.status), retryHeaders: Self.retryHeaders(response))
        }
    }

    /// `POST /inference-pipelines/{id}/data`: publishes an uploaded Arrow file, or merges it
    /// into rows already published (`performDataMerge`, for ground truths).
    public func publishStoredData(pipelineId: String, storageUri: String, performDataMerge: Bool, config: JSONObject) async throws(OpenlayerError) {
        let body = JSONObject([
            .init(key: "storageUri", value: .string(storageUri)),
            .init(key: "performDataMerge", value: .bool(performDataMerge)),
            .init(key: "config", value: .object(config)),
        ])
        _ = try await perform(.POST, "/inference-pipelines/\(pipelineId)/data", query: [], body: JSONWriter.encode(.object(body)))
    }

    /// `PUT /inference-pipelines/{id}` with `referenceDatasetUri`.
    public func setReferenceDataset(pipelineId: String, storageUri: String) async throws(OpenlayerError) {
        let body = JSONObject([.init(key: "referenceDatasetUri", value: .string(storageUri))])
        _ = try await perform(.PUT, "/inference-pipelines/\(pipelineId)", query: [], body: JSONWriter.encode(.object(body)))
    }

    // MARK: Plumbing

    private func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = []
    ) async throws(OpenlayerError) -> Response {
        let (_, body) = try await perform(method, path, query: query, body: nil as ByteBuffer?)
        return try decode(body, call: "\(method) \(path)")
    }

    private func send<Response: Decodable, Body: Encodable>(
        _ method: HTTPMethod, _ path: String, body: Body
    ) async throws(OpenlayerError) -> Response {
        let encoded: Data
        do { encoded = try JSONEncoder().encode(body) } catch {
            throw OpenlayerError(kind: .unexpectedResponse, call: "\(method) \(path)", message: "\(error)")
        }
        let (_, answer) = try await perform(method, path, query: [], body: Array(encoded))
        return try decode(answer, call: "\(method) \(path)")
    }

    private func decode<Response: Decodable>(_ body: [UInt8], call: String) throws(OpenlayerError) -> Response {
        do { return try JSONDecoder().decode(Response.self, from: Data(body)) } catch {
            throw OpenlayerError(
                kind: .unexpectedResponse, call: call,
                message: "\(error) in \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
    }

    /// One HTTP exchange. A non-2xx answer becomes an `OpenlayerError` carrying the server's
    /// message and its retry headers.
    private func perform(
        _ method: HTTPMethod, _ path: String, query: [(String, String)], body: [UInt8]?
    ) async throws(OpenlayerError) -> (HTTPResponseStatus, [UInt8]) {
        try await perform(method, path, query: query, body: body.map { ByteBuffer(bytes: $0) })
    }

    private func perform(
        _ method: HTTPMethod, _ path: String, query: [(String, String)], body: ByteBuffer?
    ) async throws(OpenlayerError) -> (HTTPResponseStatus, [UInt8]) {
        let call = "\(method) \(path)"
        var request = HTTPClientRequest(url: baseURL + path + Self.queryString(query))
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey.key.withLock(\.secret))")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "openlayer-drop")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        let response: HTTPClientResponse
        let answer: [UInt8]
        do {
            response = try await httpClient.execute(request, timeout: timeout, logger: logger)
            var buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
            answer = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw OpenlayerError(kind: .transport, call: call, message: Self.describe(error))
        }
        guard (200..<300).contains(response.status.code) else {
            throw OpenlayerError(
                kind: .status(Int(response.status.code)), call: call,
                message: Self.serverMessage(answer, status: response.status), retryHeaders: Self.retryHeaders(response))
        }
        return (response.status, answer)
    }

    static func retryHeaders(_ response: HTTPClientResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for name in ["retry-after-ms", "retry-after", "x-should-retry"] {
            if let value = response.headers.first(name: name) { headers[name] = value }
        }
        return headers
    }

    /// The server's own words: `error` or `message` of a JSON body, else the body's start.
    static func serverMessage(_ body: [UInt8], status: HTTPResponseStatus) -> String {
        if case .object(let object)? = try? JSONParser.parse(body) {
            for key in ["error", "message", "detail"] {
                if case .string(let text)? = object[key] { return text }
            }
        }
        let text = String(decoding: body.prefix(500), as: UTF8.self)
        return text.isEmpty ? status.reasonPhrase : text
    }

    static func describe(_ error: any Error) -> String {
        if let clientError = error as? HTTPClientError { return "\(clientError)" }
        // NIO says "connection reset (error set): Connection refused"; a person wants the cause.
        if let io = error as? IOError {
            return "cannot reach the server: " + String(cString: strerror(io.errnoCode)).lowercased()
        }
        return String(describing: error)
    }

    static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return "?" + items.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}

/// The key a client and its copies send.
private final class CurrentKey: Sendable {
    let key: Mutex<APIKey>

    init(_ key: APIKey) {
        self.key = Mutex(key)
    }
}

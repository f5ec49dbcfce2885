import DropJSON
import OpenlayerSandbox
import Testing

/// Presigned URLs and uploads, done the way the SDK's `_upload.py` does them per storage kind.
extension SandboxClient {
    struct Presigned: Sendable {
        var url: String
        var storageUri: String
        /// The S3 form fields, in the order given.
        var fields: [(String, String)]
        var json: JSONValue
    }

    func presign(_ objectName: String) async throws -> Presigned {
        let reply = try await http("POST", "/v1/storage/presigned-url?objectName=\(objectName)")
        try #require(reply.status == 200, "\(reply.text)")
        let json = try reply.json
        let fields: [(String, String)]
        if case .object(let object)? = json.at("fields") {
            fields = object.fields.map { ($0.key, $0.value.string ?? "") }
        } else {
            fields = []
        }
        return Presigned(
            url: try #require(json.at("url")?.string), storageUri: try #require(json.at("storageUri")?.string),
            fields: fields, json: json
        )
    }

    /// Uploads `bytes` as the SDK's `upload_bytes` would for `storage`, without the API key.
    func upload(_ bytes: [UInt8], to presigned: Presigned, storage: StorageKind, fileName: String) async throws
        -> RawReply
    {
        switch storage {
        case .s3, .local:
            var form = MultipartForm()
            for (name, value) in presigned.fields { form.field(name, value) }
            form.file(fileName: fileName, bytes)
            return try await http(
                "POST", presigned.url, headers: [("Content-Type", form.contentType)], body: form.body, key: nil
            )
        case .gcs:
            return try await http(
                "PUT", presigned.url, headers: [("Content-Type", "application/x-gzip")], body: bytes, key: nil
            )
        case .azure:
            return try await http(
                "PUT", presigned.url,
                headers: [("Content-Type", "application/x-gzip"), ("x-ms-blob-type", "BlockBlob")],
                body: bytes, key: nil
            )
        }
    }

    /// Presigns, uploads and checks the upload succeeded; returns the storage URI.
    func store(_ bytes: [UInt8], as objectName: String, storage: StorageKind = .s3) async throws -> String {
        let presigned = try await presign(objectName)
        let reply = try await upload(bytes, to: presigned, storage: storage, fileName: objectName)
        try #require((200..<300).contains(reply.status), "\(reply.text)")
        return presigned.storageUri
    }

    /// The entries of `GET /v1/sandbox/requests`, optionally of one pipeline.
    func loggedRequests(pipelineId: String? = nil) async throws -> [JSONValue] {
        let reply = try await http("GET", "/v1/sandbox/requests" + (pipelineId.map { "?pipelineId=\($0)" } ?? ""))
        return try #require(try reply.json.at("items")?.array)
    }

    /// The stored rows of a pipeline with this inference id (`row` of each item).
    func storedRows(_ pipelineId: String, inferenceId: String) async throws -> [JSONValue] {
        let reply = try await http("GET", "/v1/inference-pipelines/\(pipelineId)/rows?inferenceId=\(inferenceId)")
        return try #require(try reply.json.at("items")?.array).compactMap { $0.at("row") }
    }
}

import DropJSON
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /v1/storage/presigned-url?objectName=NAME`: where to upload a batch file or a
/// reference dataset. Answers `{"url", "storageUri", "fields"}`, `fields` only for S3.
///
/// The sandbox is its own storage: `url` is its upload endpoint (see `UploadRoutes`), absolute,
/// on the address it listens on, and ending in a fresh upload id that acts as the signature:
/// only a client that asked for the URL knows it. The object is recorded now, not yet uploaded,
/// so that the upload knows which protocol and fields to expect.
struct PresignedURLRoutes: Sendable {
    let store: SandboxStore
    let storage: StorageKind
    let address: ServerAddress

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.post("storage/presigned-url", use: create)
    }

    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let query = QueryParameters(request.uri.query)
        guard let objectName = query["objectName"], !objectName.isEmpty else {
            throw SandboxError.badRequest("Query parameter 'objectName' is required.")
        }
        guard objectName.utf8.count <= 1024, !objectName.contains("\0") else {
            throw SandboxError.badRequest("'objectName' must be at most 1024 bytes, without NUL.")
        }
        let uploadId = UUID().uuidString.lowercased()
        let now = Timestamp.nowMilliseconds()
        let fields = storage == .s3 ? S3PostFields.make(key: "\(uploadId)/\(objectName)", now: now) : nil
        let object = StorageObjectRecord(
            id: uploadId, objectName: objectName,
            storageUri: StorageURI.make(uploadId: uploadId, objectName: objectName), storage: storage,
            fieldsJSON: fields.map { String(decoding: JSONWriter.encode(.object($0)), as: UTF8.self) },
            presignedAt: now, uploadedAt: nil, byteCount: nil, path: nil
        )
        try await store.createStorageObject(object)

        var body = JSONObject(pairs: [
            "url": .string("\(address.baseURL(for: request))\(UploadRoutes.pathPrefix)\(uploadId)"),
            "storageUri": .string(object.storageUri),
        ])
        if let fields { body["fields"] = .object(fields) }
        return JSONResponse.make(.object(body))
    }
}

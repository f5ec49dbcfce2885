import DropFormats
import DropJSON
import Hummingbird

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `POST` and `PUT /v1/storage/uploads/{uploadId}`: the upload URLs handed out by
/// `PresignedURLRoutes`, each taking the upload the way the configured storage does.
///
/// - s3: a multipart POST, presigned fields first, `file` last (see `MultipartFormUpload`); 204.
/// - local: a multipart POST with just `file`; 204.
/// - gcs: a PUT of the bytes with the Content-Type the URL was signed with; 200, else 403.
/// - azure: a PUT of the bytes with `x-ms-blob-type: BlockBlob` (Azure's 400 without it); 201.
///
/// Presigned, so no key is asked (`BearerAuthMiddleware` lets this path through) and no fault is
/// injected: the faults concern Openlayer's API, not a cloud's storage. The body is streamed to
/// a file under `incoming/`, never held whole in memory, then renamed into place (see
/// `StorageDirectory`). Every upload is logged in the request log with kind `upload`, failed
/// ones included.
struct UploadRoutes: Sendable {
    static let pathPrefix = "/v1/storage/uploads/"
    /// The type Openlayer signs GCS upload URLs with: what the official SDK sends there.
    static let gcsSignedContentType = "application/x-gzip"

    let store: SandboxStore
    let files: StorageDirectory

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.post("storage/uploads/:uploadId", use: upload)
        group.put("storage/uploads/:uploadId", use: upload)
    }

    @Sendable func upload(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let uploadId = try context.parameters.require("uploadId")
        let incoming = files.incomingPath()
        let entry = DataRequestRecord(uploadReceivedAt: Timestamp.nowMilliseconds())
        return try await store.loggingFailure(of: entry) { entry in
            guard let object = try await store.storageObject(id: uploadId) else {
                throw SandboxError.notFound(
                    "No upload URL '\(uploadId)'; ask POST /v1/storage/presigned-url for one."
                )
            }
            entry.storageUri = object.storageUri
            do {
                let (status, contentType) = try await receive(request, for: object, to: incoming, context: context)
                entry.contentType = contentType
                let relative = StorageDirectory.objectPath(uploadId: object.id, objectName: object.objectName)
                entry.byteCount = try Self.fileSize(incoming)
                try files.moveIntoPlace(incoming, relative: relative)
                entry.status = Int(status.code)
                try await store.recordUpload(entry, objectId: object.id, path: relative)
                return Response(status: status)
            } catch {
                files.removeQuietly(absolute: incoming)
                throw error
            }
        }
    }

    /// Writes the upload to `path` if it follows the object's storage protocol, and returns the
    /// status that storage answers a successful upload with and the upload's content type.
    private func receive(
        _ request: Request, for object: StorageObjectRecord, to path: String, context: SandboxRequestContext
    ) async throws -> (HTTPResponse.Status, String?) {
        switch object.storage {
        case .s3, .local:
            try Self.require(.post, request, "a multipart/form-data POST", object.storage)
            let fields: JSONObject
            if let json = object.fieldsJSON, case .object(let parsed) = try JSONParser.parse(json) {
                fields = parsed
            } else {
                fields = JSONObject()
            }
            let contentType = try await MultipartFormUpload(expectedFields: fields).receive(request, to: path, context: context)
            return (.noContent, contentType)
        case .gcs:
            try Self.require(.put, request, "a PUT of the file's bytes", object.storage)
            // A V4 signed URL covers the Content-Type it was signed with; GCS answers any other
            // with 403 SignatureDoesNotMatch.
            let contentType = request.headers[.contentType]
            guard contentType == Self.gcsSignedContentType else {
                throw SandboxError(
                    .forbidden,
                    "SignatureDoesNotMatch: this URL was signed for Content-Type '\(Self.gcsSignedContentType)', "
                        + "the request has '\(contentType ?? "none")'."
                )
            }
            try await FileIO().writeFile(contents: request.body, path: path, context: context)
            return (.ok, contentType)
        case .azure:
            try Self.require(.put, request, "a PUT of the file's bytes", object.storage)
            guard request.headers[.msBlobType] == "BlockBlob" else {
                throw SandboxError.badRequest(
                    "An Azure blob upload needs the header 'x-ms-blob-type: BlockBlob' (MissingRequiredHeader)."
                )
            }
            try await FileIO().writeFile(contents: request.body, path: path, context: context)
            return (.created, request.headers[.contentType])
        }
    }

    private static func require(
        _ method: HTTPRequest.Method, _ request: Request, _ description: String, _ storage: StorageKind
    ) throws(SandboxError) {
        guard request.method == method else {
            throw SandboxError(
                .methodNotAllowed, "This URL was presigned for \(storage.rawValue) storage, which takes \(description)."
            )
        }
    }

    private static func fileSize(_ path: String) throws -> Int64 {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw FileReadError(path: path, errno: errno, message: "stat failed")
        }
        return Int64(status.st_size)
    }
}

extension HTTPFields.Element.Name {
    /// Azure Blob Storage's blob type, required on a Put Blob.
    static let msBlobType = Self("x-ms-blob-type")!
}

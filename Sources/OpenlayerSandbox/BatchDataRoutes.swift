import DropJSON
import Hummingbird

/// `POST /v1/inference-pipelines/{id}/data` with `{"storageUri", "performDataMerge", "config"}`:
/// publishes a batch file uploaded beforehand (`PresignedURLRoutes`, `UploadRoutes`).
///
/// The real API checks that the object exists and reads it later; the sandbox reads it at once,
/// as an Arrow IPC stream, and answers 400 with the reader's error when it cannot. Without
/// `performDataMerge` each row is stored as a data-stream row is; with it, each row's columns are
/// merged into the stored rows with its inference id (`config.inferenceIdColumnName`, then
/// required), and rows that match none are kept as pending ground truths. A storage URI of
/// another scheme is a 400 (the sandbox cannot check it), one of the sandbox's that names no
/// uploaded object a 404. Each call is logged (kind `data`), with the file's row count and, for
/// a merge, how many rows matched.
///
/// Register it on the data group, where `DataFaultMiddleware` injects faults.
struct BatchDataRoutes: Sendable {
    let store: SandboxStore
    let files: StorageDirectory

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.post("inference-pipelines/:pipelineId/data", use: publish)
    }

    @Sendable func publish(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let pipelineId = try context.parameters.require("pipelineId")
        var request = request
        let body: Result<JSONValue, any Error>
        do {
            body = .success(try await JSONRequestBody.parse(&request, context: context))
        } catch {
            body = .failure(error)
        }
        let entry = DataRequestRecord(
            kind: .data, pipelineId: pipelineId, receivedAt: Timestamp.nowMilliseconds(), body: try? body.get(),
            status: Int(HTTPResponse.Status.ok.code)
        )
        return try await store.loggingFailure(of: entry) { entry in
            guard try await store.pipelineExists(id: pipelineId) else {
                throw SandboxError.notFound("Inference pipeline '\(pipelineId)' not found.")
            }
            let batch = try BatchRequest(try body.get())
            guard let object = try await store.uploadedObject(uri: batch.storageUri), let path = object.path,
                files.exists(path)
            else {
                throw StorageURI.isSandboxURI(batch.storageUri)
                    ? SandboxError.notFound("No object was uploaded to '\(batch.storageUri)'.")
                    : SandboxError.badRequest(
                        "'storageUri' must be a URI from POST /v1/storage/presigned-url, like 'sandbox://…'."
                    )
            }
            do {
                entry = try await store.importBatch(
                    entry, file: ArrowBatchFile(path: files.absolute(path)), idColumn: batch.idColumn,
                    merge: batch.merge
                )
            } catch let error as ArrowBatchFile.Unreadable {
                throw SandboxError.badRequest(
                    "'\(batch.storageUri)' is not a readable Arrow IPC stream: \(error.description)"
                )
            }
            return JSONResponse.make(.object(.init(pairs: ["success": .bool(true)])))
        }
    }

    /// The body, checked.
    private struct BatchRequest {
        var storageUri: String
        var merge: Bool
        var idColumn: String?

        init(_ body: JSONValue) throws(SandboxError) {
            guard case .object(let envelope) = body else {
                throw .badRequest("The request body must be a JSON object with 'storageUri' and 'config'.")
            }
            guard let uri = envelope["storageUri"]?.stringValue, !uri.isEmpty else {
                throw .badRequest("'storageUri' is required and must be a non-empty string.")
            }
            guard case .object(let config)? = envelope["config"] else {
                throw .badRequest("'config' is required and must be an object.")
            }
            switch envelope["performDataMerge"] {
            case nil, .null?: merge = false
            case .bool(let value)?: merge = value
            default: throw .badRequest("'performDataMerge' must be true or false.")
            }
            storageUri = uri
            idColumn = try DataConfigFields.inferenceIdColumn(config)
            if merge, idColumn == nil {
                throw .badRequest("'performDataMerge' needs 'config.inferenceIdColumnName' to match rows by.")
            }
        }
    }
}

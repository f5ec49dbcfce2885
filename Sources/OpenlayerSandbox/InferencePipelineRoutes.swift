import DropJSON
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The pipeline routes: list and create under a project, get and update by id.
///
/// A pipeline name is unique within its project (409 otherwise, as for projects). `description`
/// must be present on create, though it may be null: the SDK marks it `Required[Optional[str]]`,
/// i.e. required by the real API's schema, and a client that omits it should learn so here.
///
/// A `referenceDatasetUri` from the sandbox's own storage is unpacked on update (see
/// `ReferenceDatasetUnpacker`) before the pipeline changes: a tarball the real backend would fail
/// on later is a 400 here, and one that names no uploaded object too (not a 404, which would
/// read as an unknown pipeline). Other URIs are kept as given, unchecked.
struct InferencePipelineRoutes: Sendable {
    let store: SandboxStore
    let files: StorageDirectory

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.get("projects/:projectId/inference-pipelines", use: list)
        group.post("projects/:projectId/inference-pipelines", use: create)
        group.get("inference-pipelines/:pipelineId", use: get)
        group.put("inference-pipelines/:pipelineId", use: update)
    }

    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let projectId = try context.parameters.require("projectId")
        let query = QueryParameters(request.uri.query)
        let paging = try Paging(query)
        guard let (items, total) = try await store.pipelines(projectId: projectId, name: query["name"], paging: paging)
        else {
            throw SandboxError.notFound("Project '\(projectId)' not found.")
        }
        let json = items.map { $0.0.json(rowCount: $0.rowCount) }
        return JSONResponse.make(paging.listBody(items: json, totalItems: total))
    }

    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let projectId = try context.parameters.require("projectId")
        var request = request
        let body = try await JSONRequestBody.parseObject(&request, context: context)
        guard let name = body["name"]?.stringValue, !name.isEmpty else {
            throw SandboxError.badRequest("'name' is required and must be a non-empty string.")
        }
        guard let description = body["description"] else {
            throw SandboxError.badRequest("'description' is required (it may be null).")
        }
        let now = Timestamp.nowMilliseconds()
        let pipeline = PipelineRecord(
            id: UUID().uuidString.lowercased(), projectId: projectId, name: name,
            description: try Self.nullableString(description, field: "description"),
            status: "queued", referenceDatasetUri: nil,
            dateCreated: now, dateUpdated: now, dateLastSampleReceived: nil
        )
        try await store.createPipeline(pipeline)
        return JSONResponse.make(pipeline.json(rowCount: 0), status: .created)
    }

    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let id = try context.parameters.require("pipelineId")
        guard let (pipeline, rowCount) = try await store.pipeline(id: id) else {
            throw SandboxError.notFound("Inference pipeline '\(id)' not found.")
        }
        return JSONResponse.make(pipeline.json(rowCount: rowCount))
    }

    /// Changes only the fields present in the body; `null` clears `description` or
    /// `referenceDatasetUri`. Unknown fields are ignored, as a partial update allows.
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let id = try context.parameters.require("pipelineId")
        var request = request
        let body = try await JSONRequestBody.parseObject(&request, context: context)
        let name = try body["name"].map { value in
            guard let text = value.stringValue, !text.isEmpty else {
                throw SandboxError.badRequest("'name' must be a non-empty string.")
            }
            return text
        }
        let description = try body["description"].map { try Self.nullableString($0, field: "description") }
        let uri = try body["referenceDatasetUri"].map { try Self.nullableString($0, field: "referenceDatasetUri") }
        let now = Timestamp.nowMilliseconds()
        var dataset: ReferenceDatasetRecord?
        if case .some(.some(let newURI)) = uri {
            dataset = try await referenceDataset(uri: newURI, pipelineId: id, now: now)
        }
        do {
            let (pipeline, rowCount) = try await store.updatePipeline(id: id, referenceDataset: dataset) { pipeline in
                if let name { pipeline.name = name }
                if let description { pipeline.description = description }
                if let uri { pipeline.referenceDatasetUri = uri }
                pipeline.dateUpdated = now
            }
            return JSONResponse.make(pipeline.json(rowCount: rowCount))
        } catch {
            if let dataset { files.removeQuietly(absolute: files.absolute(dataset.folder)) }
            throw error
        }
    }

    /// The reference dataset a URI of the sandbox's storage holds, unpacked; `nil` for another URI.
    private func referenceDataset(uri: String, pipelineId: String, now: Int64) async throws -> ReferenceDatasetRecord? {
        guard StorageURI.isSandboxURI(uri) else { return nil }
        guard try await store.pipelineExists(id: pipelineId) else {
            throw SandboxError.notFound("Inference pipeline '\(pipelineId)' not found.")
        }
        guard let object = try await store.uploadedObject(uri: uri), let path = object.path, files.exists(path) else {
            throw SandboxError.badRequest("'referenceDatasetUri' names no uploaded object: '\(uri)'.")
        }
        let unpacker = ReferenceDatasetUnpacker(files: files)
        return try await BlockingIO.run {
            try unpacker.unpack(objectPath: path, uri: uri, pipelineId: pipelineId, receivedAt: now)
        }
    }

    private static func nullableString(_ value: JSONValue, field: String) throws -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        default: throw SandboxError.badRequest("'\(field)' must be a string or null.")
        }
    }
}

extension PipelineRecord {
    /// The pipeline as the real API shows it
    /// (`types/projects/inference_pipeline_create_response.py`), plus `referenceDatasetUri`.
    /// Goal counters are zero: the sandbox runs no tests.
    func json(rowCount: Int) -> JSONValue {
        let iso = { (milliseconds: Int64?) in
            milliseconds.map { JSONValue.string(Timestamp.iso8601(milliseconds: $0)) } ?? .null
        }
        return .object(.init(pairs: [
            "id": .string(id),
            "projectId": .string(projectId),
            "name": .string(name),
            "description": .nullable(description),
            "status": .string(status),
            "statusMessage": .null,
            "dateCreated": iso(dateCreated),
            "dateUpdated": iso(dateUpdated),
            "dateLastSampleReceived": iso(dateLastSampleReceived),
            "dateLastEvaluated": .null,
            "dateOfNextEvaluation": .null,
            "passingGoalCount": .integer(0),
            "failingGoalCount": .integer(0),
            "totalGoalCount": .integer(0),
            "totalRecordsCount": .integer(Int64(rowCount)),
            "referenceDatasetUri": .nullable(referenceDatasetUri),
            "workspaceId": .null,
            "links": .object(.init(pairs: ["app": .string("/projects/\(projectId)/inference-pipelines/\(id)")])),
        ]))
    }
}

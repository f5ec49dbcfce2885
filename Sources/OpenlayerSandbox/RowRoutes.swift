import DropJSON
import Hummingbird

/// `GET /v1/inference-pipelines/{id}/rows`: sandbox-only read-back of streamed rows.
///
/// With `inferenceId=X` it answers every row carrying that id, unpaged, so a test sees
/// duplicates left by a retried call; without it, a paged listing in arrival order. Each row
/// is answered as stored, so a test can check that the client kept `1` and `1.0` apart.
struct RowRoutes: Sendable {
    /// Large enough for a test to read a whole file's rows in one call.
    static let maxPerPage = 10_000

    let store: SandboxStore

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.get("inference-pipelines/:pipelineId/rows", use: list)
    }

    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let pipelineId = try context.parameters.require("pipelineId")
        let query = QueryParameters(request.uri.query)
        guard try await store.pipelineExists(id: pipelineId) else {
            throw SandboxError.notFound("Inference pipeline '\(pipelineId)' not found.")
        }
        if let inferenceId = query["inferenceId"] {
            let rows = try await store.rows(pipelineId: pipelineId, inferenceId: inferenceId)
            let items = try rows.map { try $0.json() }
            return JSONResponse.make(.object(.init(pairs: ["items": .array(items)])))
        }
        let paging = try Paging(query, defaultPerPage: 100, maxPerPage: Self.maxPerPage)
        let (rows, total) = try await store.rows(pipelineId: pipelineId, paging: paging)
        let items = try rows.map { try $0.json() }
        return JSONResponse.make(paging.listBody(items: items, totalItems: total))
    }
}

extension StreamedRowRecord {
    /// `{"sequence", "inferenceId", "row", "requestId", "receivedAt"}`. The stored text is
    /// parsed back rather than spliced in, so a corrupt database shows up as a 500 here instead
    /// of as invalid JSON handed to a test.
    func json() throws -> JSONValue {
        .object(.init(pairs: [
            "sequence": sequence.map(JSONValue.integer) ?? .null,
            "inferenceId": .nullable(inferenceId),
            "row": try JSONParser.parse(rowJSON),
            "requestId": .string(requestId),
            "receivedAt": .string(Timestamp.iso8601(milliseconds: receivedAt)),
        ]))
    }
}

import DropJSON
import Hummingbird

/// `PUT /v1/inference-pipelines/{id}/rows?inferenceId=ID` with `{"row": {...}, "config": {...}}`:
/// updates a published inference, typically with its ground truth.
///
/// The row's properties (1 to 100, the real API's bounds) are merged into every stored row with
/// that inference id, duplicates included. An id that matches nothing is accepted, as the real
/// API accepts it, and kept as a pending ground truth (`GET /v1/sandbox/ground-truths`), so a
/// test can see an update that reached no row. The config's column names must be strings when
/// given. Each call is logged (kind `rows-update`).
///
/// Register it on the data group, where `DataFaultMiddleware` injects faults.
struct RowUpdateRoutes: Sendable {
    static let configFields = [
        "groundTruthColumnName", "humanFeedbackColumnName", "inferenceIdColumnName", "latencyColumnName",
        "timestampColumnName",
    ]
    static let maximumProperties = 100

    let store: SandboxStore

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.put("inference-pipelines/:pipelineId/rows", use: update)
    }

    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let pipelineId = try context.parameters.require("pipelineId")
        let inferenceId = QueryParameters(request.uri.query)["inferenceId"]
        var request = request
        let body: Result<JSONValue, any Error>
        do {
            body = .success(try await JSONRequestBody.parse(&request, context: context))
        } catch {
            body = .failure(error)
        }
        let entry = DataRequestRecord(
            kind: .rowsUpdate, pipelineId: pipelineId, receivedAt: Timestamp.nowMilliseconds(),
            body: try? body.get(), status: Int(HTTPResponse.Status.ok.code)
        )
        return try await store.loggingFailure(of: entry) { entry in
            guard try await store.pipelineExists(id: pipelineId) else {
                throw SandboxError.notFound("Inference pipeline '\(pipelineId)' not found.")
            }
            guard let inferenceId, !inferenceId.isEmpty else {
                throw SandboxError.badRequest("Query parameter 'inferenceId' is required.")
            }
            let row = try Self.row(from: try body.get())
            try await store.updateRow(entry, inferenceId: inferenceId, row: row)
            return JSONResponse.make(.object(.init(pairs: ["success": .bool(true)])))
        }
    }

    /// The checked `row` of the body.
    private static func row(from body: JSONValue) throws(SandboxError) -> JSONObject {
        guard case .object(let envelope) = body else {
            throw .badRequest("The request body must be a JSON object with 'row' and 'config'.")
        }
        guard case .object(let row)? = envelope["row"] else {
            throw .badRequest("'row' is required and must be an object.")
        }
        guard (1...maximumProperties).contains(row.count) else {
            throw .badRequest("'row' must hold 1 to \(maximumProperties) properties; it holds \(row.count).")
        }
        guard case .object(let config)? = envelope["config"] else {
            throw .badRequest("'config' is required and must be an object.")
        }
        for field in configFields {
            _ = try DataConfigFields.optionalString(config, field)
        }
        return row
    }
}

import DropJSON
import Hummingbird

/// `GET /v1/sandbox/ground-truths?pipelineId=`: sandbox-only read-back of the pending ground
/// truths, the updates (`PUT …/rows`, merges through `POST …/data`) that matched no stored row,
/// in arrival order: `{"items": [{"sequence", "pipelineId", "inferenceId", "row", "requestId",
/// "receivedAt"}]}`.
struct GroundTruthRoutes: Sendable {
    let store: SandboxStore

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.get("sandbox/ground-truths", use: list)
    }

    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let query = QueryParameters(request.uri.query)
        let items = try await store.pendingGroundTruths(pipelineId: query["pipelineId"]).map { try $0.json() }
        return JSONResponse.make(.object(.init(pairs: ["items": .array(items)])))
    }
}

extension PendingGroundTruthRecord {
    func json() throws -> JSONValue {
        .object(.init(pairs: [
            "sequence": sequence.map(JSONValue.integer) ?? .null,
            "pipelineId": .string(pipelineId),
            "inferenceId": .nullable(inferenceId),
            "row": try JSONParser.parse(rowJSON),
            "requestId": .string(requestId),
            "receivedAt": .string(Timestamp.iso8601(milliseconds: receivedAt)),
        ]))
    }
}

import DropJSON
import Hummingbird

/// `GET /v1/sandbox/requests?pipelineId=`: the log of data requests and uploads, in arrival order.
///
/// Sandbox-only, for tests of a client's retry policy: each entry says which route was called
/// (`kind`: `data-stream`, `data`, `rows-update`, `upload`), when the call arrived (to the
/// millisecond, also as a number for easy arithmetic), how many rows it carried and what the
/// sandbox answered: `status` is the HTTP status, or 0 with `"dropped": true` when the
/// connection was closed without an answer (the `dropNext` fault). Uploads have no pipeline, so
/// a `pipelineId` filter leaves them out; `storageUri` and `bytes` say what was uploaded or read,
/// `mergedCount` and `unmatchedCount` how a merge went, `contentType` the type an upload came
/// with (`null` where they do not apply).
struct SandboxRequestRoutes: Sendable {
    let store: SandboxStore

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.get("sandbox/requests", use: list)
    }

    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let query = QueryParameters(request.uri.query)
        let requests = try await store.dataRequests(pipelineId: query["pipelineId"])
        let items = try requests.map { try $0.json() }
        return JSONResponse.make(.object(.init(pairs: ["items": .array(items)])))
    }
}

extension DataRequestRecord {
    func json() throws -> JSONValue {
        .object(.init(pairs: [
            "id": .string(id),
            "kind": .string(kind.rawValue),
            "pipelineId": .nullable(pipelineId),
            "receivedAt": .string(Timestamp.iso8601(milliseconds: receivedAt)),
            "receivedAtMs": .integer(receivedAt),
            "rowCount": .integer(Int64(rowCount)),
            "status": .integer(Int64(status)),
            "dropped": .bool(status == 0),
            "config": try configJSON.map { try JSONParser.parse($0) } ?? .null,
            "storageUri": .nullable(storageUri),
            "bytes": byteCount.map(JSONValue.integer) ?? .null,
            "mergedCount": mergedCount.map { .integer(Int64($0)) } ?? .null,
            "unmatchedCount": unmatchedCount.map { .integer(Int64($0)) } ?? .null,
            "contentType": .nullable(contentType),
        ]))
    }
}

import DropJSON
import Hummingbird

/// `GET /v1/sandbox/reference-datasets?pipelineId=`: sandbox-only read-back of the reference
/// datasets unpacked when pipelines were given one, in the order they were set:
/// `{"items": [{"pipelineId", "uri", "rows", "config", "columns"}]}`, `config` being the
/// uploaded `dataset_config.yaml` as text and `columns` the CSV's header.
struct ReferenceDatasetRoutes: Sendable {
    let store: SandboxStore

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.get("sandbox/reference-datasets", use: list)
    }

    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let query = QueryParameters(request.uri.query)
        let items = try await store.referenceDatasets(pipelineId: query["pipelineId"]).map { try $0.json() }
        return JSONResponse.make(.object(.init(pairs: ["items": .array(items)])))
    }
}

extension ReferenceDatasetRecord {
    func json() throws -> JSONValue {
        .object(.init(pairs: [
            "pipelineId": .string(pipelineId),
            "uri": .string(uri),
            "rows": .integer(Int64(rowCount)),
            "config": .string(configYAML),
            "columns": try JSONParser.parse(columnsJSON),
        ]))
    }
}

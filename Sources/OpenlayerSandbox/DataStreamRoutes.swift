import DropJSON
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /v1/inference-pipelines/{id}/data-stream`: stores the rows of a stream call.
///
/// Every call is logged (`dataRequest`), refused ones included, because tests of a client's
/// retries care about the calls it made and when, not only about the ones that succeeded. The
/// sandbox checks the envelope the real API checks first (`config` an object, `rows` a
/// non-empty array of objects) but not the config against the task type's schema.
///
/// Register it on the data group (see `makeSandboxApplication`), where `DataFaultMiddleware`
/// injects faults before this handler runs.
struct DataStreamRoutes: Sendable {
    let store: SandboxStore

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.post("inference-pipelines/:pipelineId/data-stream", use: stream)
    }

    @Sendable func stream(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let pipelineId = try context.parameters.require("pipelineId")
        let receivedAt = Timestamp.nowMilliseconds()
        let requestId = UUID().uuidString.lowercased()

        var request = request
        let parsed: Result<JSONValue, SandboxError>
        do {
            parsed = .success(try await JSONRequestBody.parse(&request, context: context))
        } catch let error as SandboxError {
            parsed = .failure(error)
        }

        let outcome: Result<[StreamedRowRecord], SandboxError>
        if try await !store.pipelineExists(id: pipelineId) {
            outcome = .failure(.notFound("Inference pipeline '\(pipelineId)' not found."))
        } else {
            outcome = parsed.flatMap { body in
                Result { () throws(SandboxError) in
                    try Self.rows(from: body, pipelineId: pipelineId, requestId: requestId, receivedAt: receivedAt)
                }
            }
        }

        let logged = DataRequestRecord(
            id: requestId, kind: .dataStream, pipelineId: pipelineId, receivedAt: receivedAt, body: try? parsed.get(),
            status: Int(outcome.errorStatus?.code ?? HTTPResponse.Status.ok.code)
        )
        try await store.record(logged, rows: (try? outcome.get()) ?? [])
        _ = try outcome.get()
        return JSONResponse.make(.object(.init(pairs: ["success": .bool(true)])))
    }

    /// Checks the envelope and turns each row into a record, or names the first problem.
    private static func rows(
        from body: JSONValue, pipelineId: String, requestId: String, receivedAt: Int64
    ) throws(SandboxError) -> [StreamedRowRecord] {
        guard let envelope = object(body) else {
            throw .badRequest("The request body must be a JSON object with 'config' and 'rows'.")
        }
        guard let configValue = envelope["config"] else { throw .badRequest("'config' is required.") }
        guard let config = object(configValue) else { throw .badRequest("'config' must be an object.") }
        guard let rowsValue = envelope["rows"] else { throw .badRequest("'rows' is required.") }
        guard case .array(let rows) = rowsValue else { throw .badRequest("'rows' must be an array of objects.") }
        guard !rows.isEmpty else { throw .badRequest("'rows' must hold at least one row.") }

        let idColumn = try DataConfigFields.inferenceIdColumn(config)

        var records: [StreamedRowRecord] = []
        records.reserveCapacity(rows.count)
        for (index, value) in rows.enumerated() {
            guard let row = object(value) else { throw .badRequest("rows[\(index)] must be an object.") }
            records.append(
                StreamedRowRecord(
                    row: row, idColumn: idColumn, pipelineId: pipelineId, requestId: requestId, receivedAt: receivedAt
                ))
        }
        return records
    }

    private static func object(_ value: JSONValue) -> JSONObject? {
        if case .object(let object) = value { return object }
        return nil
    }
}

extension Result where Failure == SandboxError {
    fileprivate var errorStatus: HTTPResponse.Status? {
        if case .failure(let error) = self { return error.status }
        return nil
    }
}

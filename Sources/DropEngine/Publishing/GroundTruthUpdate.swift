import DropJSON
import OpenlayerAPI

/// One ground truth as Openlayer's row update: `PUT /inference-pipelines/{id}/rows?inferenceId=`
/// with `{"row": {"<column>": value}, "config": {"groundTruthColumnName": "<column>"}}`.
enum GroundTruthUpdate {
    /// Sends the single row of `batch` (the stream path cuts ground truths one row per batch).
    /// Returns the bytes of the request's body.
    @discardableResult
    static func send(_ batch: DataStreamBatch, plan: ColumnPlan, client: OpenlayerClient, pipelineId: String) async throws(OpenlayerError) -> Int {
        guard case .object(let body)? = try? JSONParser.parse(batch.finished()), case .array(let rows)? = body["rows"],
            rows.count == 1, case .object(let row) = rows[0], case .string(let inferenceId)? = row[plan.inferenceIdColumn],
            let column = plan.groundTruthColumn
        else {
            throw OpenlayerError(kind: .unexpectedResponse, call: "PUT rows", message: "a ground-truth batch must hold one row with an inference id")
        }
        let update = row.projected(on: [column])
        let config = JSONObject([
            .init(key: "groundTruthColumnName", value: .string(column)),
            .init(key: "inferenceIdColumnName", value: .string(plan.inferenceIdColumn)),
        ])
        return try await client.updateRow(pipelineId: pipelineId, inferenceId: inferenceId, row: update, config: config)
    }
}

import DropJSON

extension StreamedRowRecord {
    /// A row to store as published, whatever route brought it (data-stream or a batch file),
    /// its inference id read from the config's `inferenceIdColumnName` column.
    init(row: JSONObject, idColumn: String?, pipelineId: String, requestId: String, receivedAt: Int64) {
        self.init(
            sequence: nil, pipelineId: pipelineId,
            inferenceId: idColumn.flatMap { row[$0] }.flatMap(Self.inferenceIdText),
            rowJSON: String(decoding: JSONWriter.encode(.object(row)), as: UTF8.self),
            requestId: requestId, receivedAt: receivedAt
        )
    }

    /// An inference id as stored and looked up: a string as is; any other value as its JSON
    /// text (`42`, `4.5`, `true`), so that an id column of integers can still be looked up (a
    /// batch file keeps integer ids as integers); `null` means no id.
    static func inferenceIdText(_ value: JSONValue) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        default: return String(decoding: JSONWriter.encode(value), as: UTF8.self)
        }
    }
}

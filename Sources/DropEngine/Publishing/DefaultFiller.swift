import DropJSON

/// Gives every row an inference id and a timestamp where it has none.
struct DefaultFiller {
    let inferenceIdColumn: String
    let timestampColumn: String
    let ids: InferenceIdGenerator
    /// UNIX seconds given to rows without a timestamp.
    let defaultTimestamp: Int64

    init(plan: ColumnPlan, fileDigest: [UInt8], defaultTimestamp: Int64) {
        inferenceIdColumn = plan.inferenceIdColumn
        timestampColumn = plan.timestampColumn
        ids = InferenceIdGenerator(fileDigest: fileDigest)
        self.defaultTimestamp = defaultTimestamp
    }

    /// - Parameter ordinal: the row's position among the file's data rows, from 1.
    func fill(_ row: inout JSONObject, ordinal: Int) {
        switch row[inferenceIdColumn] {
        case .string(let existing)? where !existing.isEmpty: break
        default: row[inferenceIdColumn] = .string(ids.id(forRow: ordinal))
        }
        if case .integer? = row[timestampColumn] { return }
        row[timestampColumn] = .integer(defaultTimestamp)
    }
}

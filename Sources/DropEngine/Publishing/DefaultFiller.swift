import DropFormats

/// Gives every row an inference id and a timestamp, and counts what it had to fill.
struct DefaultFiller {
    let inferenceIdColumn: String
    let timestampColumn: String
    let ids: InferenceIdGenerator
    /// UNIX seconds given to rows without a timestamp.
    let defaultTimestamp: Int64

    private(set) var generatedIds = 0
    private(set) var filledTimestamps = 0
    private(set) var firstId: String?
    private(set) var lastId: String?

    init(plan: ColumnPlan, fileDigest: [UInt8], defaultTimestamp: Int64) {
        inferenceIdColumn = plan.inferenceIdColumn
        timestampColumn = plan.timestampColumn
        ids = InferenceIdGenerator(fileDigest: fileDigest)
        self.defaultTimestamp = defaultTimestamp
    }

    /// - Parameter ordinal: the row's position among the file's data rows, from 1.
    mutating func fill(_ row: inout JSONObject, ordinal: Int) {
        let id: String
        switch row[inferenceIdColumn] {
        case .string(let existing)? where !existing.isEmpty:
            id = existing
        default:
            id = ids.id(forRow: ordinal)
            row[inferenceIdColumn] = .string(id)
            generatedIds += 1
        }
        if firstId == nil { firstId = id }
        lastId = id
        switch row[timestampColumn] {
        case .integer?: break
        default:
            row[timestampColumn] = .integer(defaultTimestamp)
            filledTimestamps += 1
        }
    }
}

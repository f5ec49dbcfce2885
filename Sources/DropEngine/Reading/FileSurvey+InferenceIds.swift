import DropFormats

extension FileSurvey {
    /// The inference ids the file's valid rows give, typed as when published (rows with a
    /// repeated id are set aside there, so they are skipped here too), handed over `chunkSize`
    /// at a time without holding them all: the journal reads its fingerprints once per chunk.
    ///
    /// Rows take the publisher's fast paths (`CSVRowEncoder`, `JSONLRowEncoder`) when they
    /// can: through `RowTyper` alone, this pass cost as much as the survey and the publishing
    /// pass together for a file that gives its own ids.
    func givenInferenceIds(plan: ColumnPlan, chunkSize: Int = 100_000, _ body: ([String]) throws -> Void) throws {
        let reader = try SourceReader(path: path, format: format, decompression: decompression)
        let typer = RowTyper(plan: plan, survey: self)
        var ids = DuplicateIdTracker(plan: plan, repeated: repeatedIds)
        var issues: [RowIssue] = []
        var chunk: [String] = []
        var verdicts = VerdictOnly()

        func take(_ id: String) throws {
            chunk.append(id)
            guard chunk.count >= chunkSize else { return }
            try body(chunk)
            chunk.removeAll(keepingCapacity: true)
        }
        func typed(_ source: SourceRecord) throws {
            issues.removeAll(keepingCapacity: true)
            guard let row = typer.type(source, ids: &ids, issues: &issues), case .string(let id)? = row[plan.inferenceIdColumn], !id.isEmpty
            else { return }
            try take(id)
        }

        var ordinal = 0
        if format == .csv, CSVRowEncoder.serves(plan), let csv = reader.csvReader {
            let encoder = CSVRowEncoder(plan: plan, columns: columns, stats: stats, timestamps: timestamps, fill: nil)
            var types = [ColumnStats.Seen](repeating: [], count: columns.count)
            while let line = try csv.nextRecordFields() {
                ordinal += 1
                try csv.withFields { fields in
                    guard let row = encoder.encode(fields, ordinal: ordinal, into: &verdicts, types: &types),
                        encoder.admitId(of: row, fields: fields, line: line, ids: &ids) != nil
                    else { return try typed(SourceRecord(line: line, fields)) }
                    if let given = row.givenId { try take(String(decoding: fields.bytes(given), as: UTF8.self)) }
                }
            }
        } else if format == .jsonl, JSONLRowEncoder.serves(plan) {
            let encoder = JSONLRowEncoder(plan: plan, stats: stats, timestamps: timestamps, fill: nil)
            var types: [(column: Int, seen: ColumnStats.Seen)] = []
            while let line = try reader.nextJSONLine() {
                ordinal += 1
                try reader.withJSONLine { bytes in
                    guard let row = encoder.encode(bytes, ordinal: ordinal, into: &verdicts, types: &types),
                        encoder.admitId(of: row, line: bytes, lineNumber: line, ids: &ids) != nil
                    else { return try typed(reader.jsonlRecord()) }
                    if let given = row.givenId { try take(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[given]), as: UTF8.self)) }
                }
            }
        } else {
            while let source = try reader.next() { try typed(source) }
        }
        if !chunk.isEmpty { try body(chunk) }
    }
}

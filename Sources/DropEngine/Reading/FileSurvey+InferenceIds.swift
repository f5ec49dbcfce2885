extension FileSurvey {
    /// The inference ids the file's valid rows give, typed as when published (rows with a
    /// repeated id are set aside there, so they are skipped here too), handed over `chunkSize`
    /// at a time without holding them all: the journal reads its fingerprints once per chunk.
    func givenInferenceIds(plan: ColumnPlan, chunkSize: Int = 100_000, _ body: ([String]) throws -> Void) throws {
        let reader = try SourceReader(path: path, format: format)
        let typer = RowTyper(plan: plan, survey: self)
        var ids = DuplicateIdTracker(plan: plan, repeated: repeatedIds)
        var issues: [RowIssue] = []
        var chunk: [String] = []
        while let source = try reader.next() {
            issues.removeAll(keepingCapacity: true)
            guard let row = typer.type(source, ids: &ids, issues: &issues), case .string(let id)? = row[plan.inferenceIdColumn], !id.isEmpty else {
                continue
            }
            chunk.append(id)
            if chunk.count >= chunkSize {
                try body(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try body(chunk) }
    }
}

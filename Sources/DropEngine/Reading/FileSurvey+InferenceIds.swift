extension FileSurvey {
    /// The inference ids the file's valid rows give, typed as when published (rows with a
    /// repeated id are set aside there, so they are skipped here too), handed over a thousand at
    /// a time — the size of one journal query — without holding them all.
    func givenInferenceIds(plan: ColumnPlan, _ body: ([String]) throws -> Void) throws {
        let reader = try SourceReader(path: path, format: format)
        let typer = RowTyper(plan: plan, survey: self)
        var ids = DuplicateIdTracker(plan: plan)
        var issues: [RowIssue] = []
        var chunk: [String] = []
        while let source = try reader.next() {
            issues.removeAll(keepingCapacity: true)
            guard let row = typer.type(source, ids: &ids, issues: &issues), case .string(let id)? = row[plan.inferenceIdColumn], !id.isEmpty else {
                continue
            }
            chunk.append(id)
            if chunk.count >= 1000 {
                try body(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try body(chunk) }
    }
}

import DropJSON

/// Turns a record as read into the row that is sent: every value typed by its column's kind.
struct RowTyper {
    let plan: ColumnPlan
    /// The CSV header; for JSONL, the keys seen across the file.
    let columns: [String]
    private let csvKinds: [ColumnKind]
    private let stats: [String: ColumnStats]
    private let csvStats: [ColumnStats]
    private let timestamps: TimestampRule

    /// - Parameter stats: what the survey learned of each column's sent values; empty while
    ///   surveying, which types each value alone without changing validity.
    init(plan: ColumnPlan, columns: [String], stats: [String: ColumnStats], timestamps: TimestampRule) {
        self.plan = plan
        self.columns = columns
        self.stats = stats
        self.timestamps = timestamps
        csvKinds = columns.map(plan.kind(of:))
        csvStats = columns.map { stats[$0] ?? ColumnStats() }
    }

    /// Types rows as the survey decided: its columns, column types and timestamp rule.
    init(plan: ColumnPlan, survey: FileSurvey) {
        self.init(plan: plan, columns: survey.columns, stats: survey.stats, timestamps: survey.timestamps)
    }

    /// The typed row, or nil with the reasons appended to `issues`; also checks that its
    /// inference id is not one an earlier row gave. Every pass over a file calls this with its
    /// own tracker, in file order, so that all reach the same verdict on every row.
    func type(_ record: SourceRecord, ids: inout DuplicateIdTracker, issues: inout [RowIssue]) -> JSONObject? {
        guard let row = type(record, issues: &issues) else { return nil }
        guard ids.isActive, case .string(let id)? = row[ids.column], !id.isEmpty,
            let earlier = ids.earlierLine(of: id, line: record.line)
        else { return row }
        issues.append(RowIssue(
            kind: .duplicateId, line: record.line, column: columns.firstIndex(of: ids.column).map { $0 + 1 },
            columnName: ids.column, value: id, expected: "an inference id not used by an earlier row (line \(earlier))",
            hint: "Openlayer does not de-duplicate rows: give each row its own id, or leave it empty to have one made"))
        return nil
    }

    /// The typed row, or nil with the reasons appended to `issues`. Checks the row alone: for
    /// rows that are sent, use `type(_:ids:issues:)`.
    func type(_ record: SourceRecord, issues: inout [RowIssue]) -> JSONObject? {
        guard let row = typeValues(record, issues: &issues) else { return nil }
        if plan.purpose != .groundTruths, case .integer(let seconds)? = row[plan.timestampColumn], let violation = timestamps.violation(seconds) {
            issues.append(RowIssue(
                kind: violation.kind, line: record.line, column: columns.firstIndex(of: plan.timestampColumn).map { $0 + 1 },
                columnName: plan.timestampColumn, value: String(seconds), expected: violation.expected, hint: violation.hint))
            return nil
        }
        if plan.requiresInferenceId {
            guard case .string(let id)? = row[plan.inferenceIdColumn], !id.isEmpty else {
                let index = columns.firstIndex(of: plan.inferenceIdColumn).map { $0 + 1 }
                issues.append(RowIssue(
                    kind: .missingInferenceId, line: record.line, column: index, columnName: plan.inferenceIdColumn, value: nil,
                    expected: "an inference id: a ground truth is matched to its prediction by it"))
                return nil
            }
        }
        return row
    }

    private func typeValues(_ record: SourceRecord, issues: inout [RowIssue]) -> JSONObject? {
        switch record {
        case .malformed(let error, _):
            // The reader says "expected a JSON object on each line, found …" of valid JSON that
            // is not an object; any other message is a syntax error.
            let kind: IssueKind = error.message.hasPrefix("expected a JSON object on each line") ? .notAnObject : .badJSONLine
            issues.append(RowIssue(
                kind: kind, line: error.line, column: error.position, columnName: nil, value: nil,
                expected: "a JSON object on one line (\(error.message))"))
            return nil
        case .csv(let line, let fields):
            return typeCSV(line: line, fields: fields, issues: &issues)
        case .csvWithInvalidUTF8(let line, _, let field):
            issues.append(RowIssue(
                kind: .invalidUTF8, line: line, column: field + 1, columnName: field < columns.count ? columns[field] : nil, value: nil,
                expected: "UTF-8 text, found bytes that are not: save the file as UTF-8"))
            return nil
        case .jsonl(let line, let object):
            return typeJSONL(line: line, object: object, issues: &issues)
        }
    }

    private func typeCSV(line: Int, fields: [String], issues: inout [RowIssue]) -> JSONObject? {
        // pandas reads a short row with its missing trailing cells empty, and refuses a long one.
        guard fields.count <= columns.count else {
            issues.append(RowIssue(
                kind: .raggedRow, line: line, column: nil, columnName: nil, value: nil,
                expected: "at most \(columns.count) fields as in the header, found \(fields.count)"))
            return nil
        }
        var row: [JSONObject.Field] = []
        row.reserveCapacity(columns.count + 2)
        var valid = true
        for index in columns.indices {
            switch ValueTyping.type(csv: index < fields.count ? fields[index] : "", kind: csvKinds[index], column: csvStats[index]) {
            case .success(let value):
                row.append(JSONObject.Field(key: columns[index], value: value))
            case .failure(let expectation):
                valid = false
                issues.append(RowIssue(
                    kind: expectation.issue, line: line, column: index + 1, columnName: columns[index], value: expectation.found,
                    expected: expectation.expected, hint: expectation.hint))
            }
        }
        return valid ? JSONObject(row) : nil
    }

    private func typeJSONL(line: Int, object: JSONObject, issues: inout [RowIssue]) -> JSONObject? {
        var row: [JSONObject.Field] = []
        row.reserveCapacity(object.count + 2)
        var valid = true
        for field in object.fields {
            let kind = plan.kind(of: field.key)
            switch ValueTyping.type(json: field.value, kind: kind, column: stats[field.key] ?? ColumnStats()) {
            case .success(let value):
                row.append(JSONObject.Field(key: field.key, value: value))
            case .failure(let expectation):
                valid = false
                issues.append(RowIssue(
                    kind: expectation.issue, line: line, column: nil, columnName: field.key, value: expectation.found,
                    expected: expectation.expected, hint: expectation.hint))
            }
        }
        for column in plan.required where object[column] == nil {
            valid = false
            issues.append(RowIssue(kind: .missingValue, line: line, column: nil, columnName: column, value: nil, expected: "a value for '\(column)', which the data config names"))
        }
        return valid ? JSONObject(row) : nil
    }
}

import DropFormats

/// The readable account of why a file was not published, written beside it in `rejected/`.
struct RejectionReport {
    var fileName: String
    var pipeline: String
    var sha256: String?
    var bytes: Int64?
    var rows: Int?
    var invalidRows: Int
    var fileProblems: [String]
    var rowIssues: [RowIssue]
    var when: String

    init(fileName: String, pipeline: String, when: String, problems: [String]) {
        self.fileName = fileName
        self.pipeline = pipeline
        self.when = when
        fileProblems = problems
        rowIssues = []
        invalidRows = 0
    }

    init(survey: FileSurvey, fileName: String, pipeline: String, when: String, extra: [String] = []) {
        self.fileName = fileName
        self.pipeline = pipeline
        self.when = when
        sha256 = survey.sha256
        bytes = survey.byteCount
        rows = survey.rowCount
        invalidRows = survey.invalidRowCount
        fileProblems = survey.fileProblems + extra
        rowIssues = survey.rowIssues
    }

    var text: String {
        var lines = ["\(fileName) was not published to pipeline '\(pipeline)'; no row of it was sent.", ""]
        lines.append("rejected at: \(when)")
        if let sha256, let bytes { lines.append("file:        \(bytes) bytes, sha256 \(sha256)") }
        if let rows { lines.append("rows:        \(rows) (\(invalidRows) with problems)") }
        if !fileProblems.isEmpty {
            lines.append("")
            lines.append("Problems with the file as a whole:")
            lines += fileProblems.map { "  \(fileName): \($0)" }
        }
        if !rowIssues.isEmpty {
            lines.append("")
            let shown = rowIssues.count < invalidRows || rowIssues.count >= FileSurvey.issueLimit
                ? " (grouped from the first \(rowIssues.count) problems)" : ""
            lines.append("Problems in rows, by kind\(shown):")
            lines += IssueSummary(rowIssues).lines(fileName: fileName)
            lines.append("")
            lines.append("Each problem, as file:line:column:")
            lines += rowIssues.map { "  \(fileName):\(Self.location($0)): \(Self.message($0))" }
        }
        lines.append("")
        lines.append("Fix the file and drop it into the inbox again.")
        // Names and values come from the dropper: a line feed in one must not forge a line.
        return lines.map(\.escapingControlCharacters).joined(separator: "\n") + "\n"
    }

    /// `line:column` as editors and compilers write it.
    static func location(_ issue: RowIssue) -> String {
        issue.column.map { "\(issue.line):\($0)" } ?? "\(issue.line)"
    }

    static func message(_ issue: RowIssue) -> String {
        var text = ""
        if let name = issue.columnName { text += "column '\(name)': " }
        text += "expected \(issue.expected)"
        if let value = issue.value { text += ", found '\(value)'" }
        if let hint = issue.hint { text += " — \(hint)" }
        return text
    }
}

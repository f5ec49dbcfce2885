/// One thing wrong with one row, said so that a person can find and fix it.
public struct RowIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// What went wrong, as a stable identifier; the other fields say it for a person.
    public var kind: IssueKind
    /// 1-based line of the file where the row starts.
    public var line: Int
    /// 1-based position of the column in the CSV header (or of the character in a JSONL line).
    public var column: Int?
    /// The column's name, when the issue belongs to one column.
    public var columnName: String?
    /// The offending value, shortened.
    public var value: String?
    /// What was expected instead.
    public var expected: String
    /// How to fix it, when there is more to say than what was expected.
    public var hint: String?

    public init(kind: IssueKind, line: Int, column: Int?, columnName: String?, value: String?, expected: String, hint: String? = nil) {
        self.kind = kind
        self.hint = hint ?? kind.hint
        self.line = line
        self.column = column
        self.columnName = columnName
        self.value = value.map(Self.shorten)
        self.expected = expected
    }

    /// `line 12, column 3 ('amount'): expected a number, found 'abc'`
    public var description: String {
        var text = "line \(line)"
        if let column { text += ", column \(column)" }
        if let columnName { text += " ('\(columnName)')" }
        text += ": expected \(expected)"
        if let value { text += ", found '\(value)'" }
        if let hint { text += " (\(hint))" }
        return text
    }

    static func shorten(_ value: String) -> String {
        value.count <= 60 ? value : String(value.prefix(57)) + "..."
    }
}

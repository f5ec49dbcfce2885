import DropJSON

/// Something wrong with a file as a whole, so that none of it is sent: where, when there is
/// a place to point at, and what was expected.
public struct FileProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    public var kind: IssueKind
    /// 1-based line, when the problem has one (a header cell, an unclosed quote).
    public var line: Int?
    /// 1-based column of the CSV header, or character of the line.
    public var column: Int?
    /// The column the problem is about (the first, when several are missing).
    public var columnName: String?
    public var message: String

    public init(kind: IssueKind, line: Int? = nil, column: Int? = nil, columnName: String? = nil, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.columnName = columnName
        self.message = message
    }

    /// `line 1, column 3: column 'amount' appears twice in the header`, or the message alone.
    public var description: String {
        guard let line else { return message }
        return column.map { "line \(line), column \($0): \(message)" } ?? "line \(line): \(message)"
    }
}

extension FileProblem {
    /// The CSV reader's only fatal error is a quote never closed: the rest of the file is one field.
    init(readError error: FormatError) {
        let kind: IssueKind = switch error.kind {
        case .syntax: .unterminatedQuote
        case .recordTooLong: .lineTooLong
        }
        self.init(kind: kind, line: error.line, column: error.position, message: error.message)
    }
}

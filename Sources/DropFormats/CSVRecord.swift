/// One CSV record as the file spelled it: the engine, not the reader, decides what a short
/// or long row means, so that it can report it with the file's own line number.
public struct CSVRecord: Sendable, Equatable {
    /// The 1-based physical line on which the record starts. Records with quoted newlines
    /// span several lines; the next record's `line` counts all of them.
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

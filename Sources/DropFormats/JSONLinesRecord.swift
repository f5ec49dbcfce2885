import DropJSON

/// One non-blank line of a JSONL file. A bad line is a value, not a thrown error, because
/// one malformed row among millions must be reported and skipped, not stop the file.
public struct JSONLinesRecord: Sendable {
    /// The 1-based physical line of the file.
    public var line: Int
    public var object: Result<JSONObject, FormatError>
    /// The line as written, when it is not a JSON object (nil otherwise).
    public var unparsedText: String?

    public init(line: Int, object: Result<JSONObject, FormatError>, unparsedText: String? = nil) {
        self.unparsedText = unparsedText
        self.line = line
        self.object = object
    }
}

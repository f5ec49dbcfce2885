/// What JSON type a column's values become on the wire, decided by the data config.
public enum ColumnKind: Sendable, Equatable {
    /// A JSON number: an integer when every value of the column is one, else a double —
    /// what pandas would make of the column, and so what the Python SDK would send.
    case number
    /// A zero-based class index (classification predictions and labels), an integer.
    case classIndex(classCount: Int)
    /// A JSON string, even when it looks like a number (categorical features, text, ids).
    case string
    /// A list of class probabilities, written in CSV as `"[0.1, 0.9]"`.
    case scores(classCount: Int?)
    /// UNIX seconds, an integer.
    case timestamp
    /// A column the config does not name: a number if every value is one, else a string.
    case inferred
}

/// The Arrow column types that Openlayer's bulk upload needs, and no others: each one holds a
/// `JSONValue` column without loss, so a file written here reads back as the rows it was made of.
public enum ArrowType: Sendable, Equatable {
    /// Signed 64-bit integers (`pa.int64()`), the width `JSONValue.integer` has.
    case int64
    /// IEEE 754 doubles (`pa.float64()`).
    case double
    /// UTF-8 text with 32-bit offsets (`pa.string()`, not `large_string`): a batch is at most
    /// 16384 rows, far below the 2 GiB of text per batch that 32-bit offsets allow.
    case utf8
    /// Bit-packed booleans (`pa.bool_()`).
    case bool
    /// Lists of doubles (`pa.list_(pa.float64())`), e.g. embeddings; the child field is the
    /// nullable "item" that pyarrow names it, so the schema compares equal to pyarrow's own.
    case listOfDouble

    /// The name pyarrow prints, for error messages that a person can match against pyarrow.
    var arrowName: String {
        switch self {
        case .int64: "int64"
        case .double: "double"
        case .utf8: "string"
        case .bool: "bool"
        case .listOfDouble: "list<double>"
        }
    }
}

/// How a column's values are laid out in a record batch's buffers. Our writer stores each
/// `ArrowType` one way; pyarrow may store the same values narrower (int32, float32) or with
/// 64-bit offsets (`large_string`, `large_list`, what pandas 3 makes of its strings). The
/// reader reports the `ArrowType` and widens the values, so callers see one type per kind of
/// value whoever wrote the file.
package enum ArrowStorage: Equatable {
    /// Little-endian integers of 1, 2, 4 or 8 bytes; unsigned only up to 4, so every value
    /// fits `Int64`.
    case integer(bytes: Int, signed: Bool)
    /// IEEE 754 floats of 4 or 8 bytes; a float32 widens to a double exactly.
    case floatingPoint(bytes: Int)
    case bool
    /// Offsets of 4 (`string`) or 8 (`large_string`) bytes, then UTF-8 data.
    case utf8(offsetBytes: Int)
    /// Offsets of 4 (`list`) or 8 (`large_list`) bytes, then a child of doubles.
    case listOfDouble(offsetBytes: Int)

    /// The storage our writer uses for `type`, the one pyarrow gives it by default.
    init(_ type: ArrowType) {
        switch type {
        case .int64: self = .integer(bytes: 8, signed: true)
        case .double: self = .floatingPoint(bytes: 8)
        case .utf8: self = .utf8(offsetBytes: 4)
        case .bool: self = .bool
        case .listOfDouble: self = .listOfDouble(offsetBytes: 4)
        }
    }

    /// The type a column of this storage is reported as.
    package var type: ArrowType {
        switch self {
        case .integer: .int64
        case .floatingPoint: .double
        case .utf8: .utf8
        case .bool: .bool
        case .listOfDouble: .listOfDouble
        }
    }
}

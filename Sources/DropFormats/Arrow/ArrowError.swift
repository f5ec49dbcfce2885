#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DropJSON

/// Why an Arrow stream could not be written or read. Writing fails on the caller's data (a value
/// that does not fit its column) or on the system; reading fails on a stream that is not Arrow
/// as we know it. The two are told apart because the first is a bug to fix upstream and the
/// second a file to reject.
public enum ArrowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A row's value does not fit its column: another JSON type, a null in a column that is not
    /// nullable, or a null (or non-number) inside a list of doubles.
    case valueMismatch(column: String, type: ArrowType, value: JSONValue)
    /// A row with more or fewer values than the schema has columns.
    case rowWidth(expected: Int, actual: Int)
    /// One value larger than the 2 GiB that 32-bit offsets can address.
    case valueTooLarge(column: String)
    /// A writer asked for a schema without columns.
    case noColumns(path: String)
    /// `append` or `finish` after `finish` (or after a failed write, which leaves no usable file).
    case writerClosed(path: String)
    /// The bytes at `offset` are not a valid Arrow IPC stream.
    case malformed(path: String, offset: Int, reason: String)
    /// A valid Arrow stream using something this reader does not implement (a type,
    /// compression, dictionaries, big-endian data).
    case unsupported(path: String, offset: Int, reason: String)
    /// A system call failed while writing.
    case system(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .valueMismatch(let column, let type, let value):
            return "column \"\(column)\" (\(type.arrowName)) cannot hold \(Self.excerpt(of: value))"
                + Self.hint(type: type, value: value)
        case .rowWidth(let expected, let actual):
            return "a row has \(actual) values but the schema has \(expected) columns"
        case .valueTooLarge(let column):
            return "column \"\(column)\": one value exceeds the 2 GiB that Arrow's 32-bit offsets address"
        case .noColumns(let path):
            return "\(path): an Arrow stream needs at least one column"
        case .writerClosed(let path):
            return "\(path): the Arrow writer is already finished"
        case .malformed(let path, let offset, let reason):
            return "\(path): not a valid Arrow IPC stream at byte \(offset): \(reason)"
        case .unsupported(let path, let offset, let reason):
            return "\(path): unsupported Arrow IPC stream at byte \(offset): \(reason)"
        case .system(let path, let operation, let code):
            let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
            return "\(path): \(operation) failed: \(text)"
        }
    }

    /// The value as JSON, cut short: a person needs to recognise it, not to read a megabyte.
    private static func excerpt(of value: JSONValue) -> String {
        let text = String(decoding: JSONWriter.encode(value), as: UTF8.self)
        return text.count <= 80 ? text : String(text.prefix(77)) + "..."
    }

    private static func hint(type: ArrowType, value: JSONValue) -> String {
        switch value {
        case .null: return " (the column is not nullable)"
        case .array(let items) where type == .listOfDouble && items.contains(.null):
            return " (a list element is null)"
        default: return ""
        }
    }
}

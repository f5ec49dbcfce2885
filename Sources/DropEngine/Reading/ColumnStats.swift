import DropJSON

/// The JSON types a column's sent values hold: enough to give the column one type
/// (`ColumnType`), as pandas gives each column one dtype.
///
/// Only rows that are sent are observed: a row set aside never changes how the others are
/// typed (one bad cell must not turn `3` into `3.0` for the whole file).
struct ColumnStats: Sendable {
    struct Seen: OptionSet, Sendable {
        let rawValue: UInt8
        static let bool = Seen(rawValue: 1 << 0)
        static let integer = Seen(rawValue: 1 << 1)
        static let double = Seen(rawValue: 1 << 2)
        static let string = Seen(rawValue: 1 << 3)
        static let numberList = Seen(rawValue: 1 << 4)
        static let other = Seen(rawValue: 1 << 5)
    }

    /// The types of the non-null values seen so far.
    var seen: Seen = []

    /// Notes a value as it was typed for sending.
    mutating func observe(_ value: JSONValue) {
        switch value {
        case .null: return
        case .bool: seen.insert(.bool)
        case .integer: seen.insert(.integer)
        case .double: seen.insert(.double)
        case .string: seen.insert(.string)
        case .array(let items):
            let numeric = items.allSatisfy { if case .integer = $0 { true } else if case .double = $0 { true } else { false } }
            seen.insert(numeric ? .numberList : .other)
        case .object: seen.insert(.other)
        }
    }
}

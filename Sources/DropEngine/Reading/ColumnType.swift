/// The one type a column's sent values take, as pandas gives each column one dtype: decided
/// here, from the column's kind (the data config) and the types its sent values had in the
/// survey (`ColumnStats`), for every path that writes a value — the CSV and JSONL stream
/// encoders, the general typing (`ValueTyping`) and the Arrow schema of a bulk upload
/// (`ArrowSchemaPlan`). How a column is typed is changed here, and only here; how one cell is
/// read (what counts as a number, a boolean, a missing value) is `ValueTyping`'s, which the
/// byte-level fast paths mirror (`FastPathAgreement` holds them to it).
enum ColumnType: Equatable {
    /// Integers as integers: no sent value has a fraction.
    case integer
    /// Numbers as doubles: a fraction anywhere makes the column's integers doubles too.
    case double
    case boolean
    case text
    /// A list of numbers (class scores, or a JSONL column of number lists).
    case numberList
    /// Nothing is known yet (the survey, which collects the stats), or the column holds only
    /// missing values: each cell is typed alone — a number if it reads as one, else a boolean
    /// if it reads as one, else its text.
    case eachCellAlone

    init(kind: ColumnKind, stats: ColumnStats) {
        let seen = stats.seen
        switch kind {
        case .number: self = seen.isSubset(of: .integer) ? .integer : .double
        case .classIndex, .timestamp: self = .integer
        case .string: self = .text
        case .scores: self = .numberList
        case .inferred:
            if seen.isEmpty {
                self = .eachCellAlone
            } else if seen == .integer {
                self = .integer
            } else if seen.isSubset(of: [.integer, .double]) {
                self = .double
            } else if seen == .bool {
                self = .boolean
            } else if seen == .numberList {
                self = .numberList
            } else {
                self = .text
            }
        }
    }

    /// An integer cell is written as an integer (not as a double).
    var keepsIntegers: Bool { self == .integer || self == .eachCellAlone }
    /// A cell of a column the config does not name is read as a number when it is one.
    var readsNumbers: Bool { self == .integer || self == .double || self == .eachCellAlone }
    /// A cell of a column the config does not name is read as a boolean when it is one.
    var readsBooleans: Bool { self == .boolean || self == .eachCellAlone }
}

import DropFormats

/// What the survey learned about one column's values: enough to type it like pandas would.
struct ColumnStats: Sendable {
    /// Every non-empty value parsed as an integer.
    var allIntegers = true
    /// Every non-empty value parsed as a number.
    var allNumbers = true
    /// The JSON types seen in a JSONL column (not null), for the Arrow type of a column the
    /// config does not name.
    var jsonTypes: Set<JSONType> = []

    enum JSONType: Sendable, Hashable {
        case bool, integer, double, string, numberList, other
    }

    mutating func observe(json value: JSONValue) {
        switch value {
        case .null: return
        case .bool: jsonTypes.insert(.bool)
        case .integer: jsonTypes.insert(.integer)
        case .double:
            jsonTypes.insert(.double)
            allIntegers = false
        case .string: jsonTypes.insert(.string)
        case .array(let items):
            let numeric = items.allSatisfy { if case .integer = $0 { true } else if case .double = $0 { true } else { false } }
            jsonTypes.insert(numeric ? .numberList : .other)
        case .object: jsonTypes.insert(.other)
        }
    }

    mutating func observe(csvCell cell: String) {
        guard allNumbers, !CellParsing.isNull(cell) else { return }
        if CellParsing.integer(cell) != nil { return }
        allIntegers = false
        if CellParsing.double(cell) == nil { allNumbers = false }
    }
}

/// How CSV text becomes numbers; shared by the survey and the typer so both agree.
enum CellParsing {
    /// Empty cells, and what pandas reads as missing, become null.
    static func isNull(_ cell: String) -> Bool {
        cell.isEmpty || cell == "NaN" || cell == "nan" || cell == "NA" || cell == "null" || cell == "None"
    }

    static func integer(_ cell: String) -> Int64? {
        if let value = Int64(cell) { return value }
        let trimmed = cell.trimmingSpaces()
        return trimmed.count == cell.count ? nil : Int64(trimmed)
    }

    static func double(_ cell: String) -> Double? {
        let trimmed = cell.trimmingSpaces()
        guard let value = Double(trimmed), value.isFinite else { return nil }
        // Swift also reads hexadecimal floats ("0x1p3"), which pandas does not.
        if trimmed.contains("x") || trimmed.contains("X") { return nil }
        return value
    }
}

extension String {
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}

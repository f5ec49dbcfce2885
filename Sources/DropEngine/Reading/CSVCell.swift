/// What `pandas.read_csv` with default arguments makes of one CSV cell, before its column's
/// kind decides what is sent. Both the survey and the publisher read cells through this, so
/// they agree on every value.
enum CSVCell {
    /// pandas' default `na_values` (`pandas._libs.parsers.STR_NA_VALUES`): a cell holding exactly
    /// one of these is missing, quoted or not. Listed in the README's typing table.
    static let missingValueWords: Set<String> = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ]

    /// The longest missing-value word, so that long cells skip the set lookup.
    private static let longestMissingValueWord = 8

    static func isMissing(_ cell: String) -> Bool {
        cell.utf8.count <= longestMissingValueWord && missingValueWords.contains(cell)
    }

    /// pandas' default `true_values` and `false_values`: exactly these spellings, no spaces.
    static func boolean(_ cell: String) -> Bool? {
        switch cell {
        case "True", "TRUE", "true": true
        case "False", "FALSE", "false": false
        default: nil
        }
    }

    /// A number as pandas reads it: surrounding spaces and tabs allowed, a leading `+`,
    /// leading zeros, `.5`, `5.`, exponents; not hexadecimal, not `1_000`, not `1,5`.
    enum Number: Equatable {
        case integer(Int64)
        /// A finite double.
        case double(Double)
        /// `inf`, `-Infinity`, `1e500`: pandas reads infinity, which JSON cannot carry.
        case infinite
    }

    static func number(_ cell: String) -> Number? {
        if let value = Int64(cell) { return .integer(value) }
        let trimmed = cell.trimmingSpaces()
        if trimmed.utf8.count != cell.utf8.count, let value = Int64(trimmed) { return .integer(value) }
        // Swift also reads hexadecimal floats ("0x1p3") and NaN spellings, which pandas does not.
        guard let value = Double(trimmed), !value.isNaN, !trimmed.utf8.contains(where: { $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "X") }) else {
            return nil
        }
        // Integers beyond 64 bits are read as doubles: no JSON number type of Openlayer's, nor an
        // Arrow int64 column, holds them.
        return value.isFinite ? .double(value) : .infinite
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

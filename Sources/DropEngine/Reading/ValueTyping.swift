import DropJSON

/// Turns one cell into the JSON value its column's kind asks for, or says what was expected.
///
/// The same rules serve CSV text and JSONL values, so a row means the same in both formats.
enum ValueTyping {
    /// - Parameter column: what the survey saw of the column's sent values; while surveying,
    ///   empty, which types each cell alone (a number as an integer or a double, `True` as a
    ///   boolean) without changing whether it is valid.
    static func type(csv cell: String, kind: ColumnKind, column: ColumnStats) -> Result<JSONValue, Expectation> {
        if CSVCell.isMissing(cell) { return .success(.null) }
        switch kind {
        case .string:
            return text(cell)
        case .number:
            return number(fromText: cell, integral: ColumnType(kind: kind, stats: column).keepsIntegers)
        case .inferred:
            return .success(inferred(cell, column: column))
        case .classIndex(let classCount):
            return classIndex(fromText: cell, classCount: classCount)
        case .timestamp:
            return timestamp(fromText: cell)
        case .scores(let classCount):
            return scores(fromText: cell, classCount: classCount)
        }
    }

    static func type(json value: JSONValue, kind: ColumnKind, column: ColumnStats) -> Result<JSONValue, Expectation> {
        if case .null = value { return .success(.null) }
        switch (kind, value) {
        case (.inferred, .integer(let number)):
            // One type per column, as in the Arrow file of a bulk upload: a fraction anywhere
            // in the column makes its integers doubles.
            return .success(ColumnType(kind: kind, stats: column).keepsIntegers ? value : .double(Double(number)))
        case (.inferred, _):
            return .success(value)
        case (.string, .string(let cell)):
            return text(cell)
        case (.string, .integer(let number)):
            return .success(.string(String(number)))
        case (.string, .double(let number)):
            return .success(.string(String(number)))
        case (.string, .bool(let flag)):
            return .success(.string(flag ? "true" : "false"))
        case (.number, .integer(let number)):
            return .success(ColumnType(kind: kind, stats: column).keepsIntegers ? .integer(number) : .double(Double(number)))
        case (.number, .double):
            return .success(value)
        case (.classIndex(let classCount), .integer(let number)):
            return checkClass(number, classCount: classCount, text: String(number))
        case (.classIndex(let classCount), .double(let number)) where number.rounded() == number && abs(number) < 1e15:
            return checkClass(Int64(number), classCount: classCount, text: String(number))
        case (.timestamp, .integer):
            return .success(value)
        case (.timestamp, .double(let seconds)) where abs(seconds) < 1e15:
            return .success(.integer(Int64(seconds.rounded(.down))))
        case (.scores(let classCount), .array(let items)):
            return scores(items, classCount: classCount, text: String(decoding: JSONWriter.encode(value), as: UTF8.self))
        case (_, .string(let text)):
            // A number or list quoted by the writer ("0.3", "[0.1, 0.9]") reads as CSV text would.
            return type(csv: text, kind: kind, column: column)
        default:
            return .failure(Expectation(kind: kind, found: String(decoding: JSONWriter.encode(value), as: UTF8.self)))
        }
    }

    /// A column the config does not name takes the one type pandas would give it: numbers if
    /// every sent value is one, else booleans if every sent value is one, else the text as
    /// written. Never an error. Infinity is text here: JSON has no number for it.
    private static func inferred(_ cell: String, column: ColumnStats) -> JSONValue {
        let type = ColumnType(kind: .inferred, stats: column)
        if type.readsNumbers, let number = CSVCell.number(cell) {
            switch number {
            case .integer(let value): return type.keepsIntegers ? .integer(value) : .double(Double(value))
            case .double(let value): return .double(value)
            case .infinite: break
            }
        }
        if type.readsBooleans, let flag = CSVCell.boolean(cell) { return .bool(flag) }
        return .string(cell)
    }

    // MARK: Kinds

    /// Openlayer refuses text cells longer than this.
    static let maximumTextLength = 50_000

    private static func text(_ cell: String) -> Result<JSONValue, Expectation> {
        // The byte count bounds the character count from above: most cells need no counting.
        guard cell.utf8.count > maximumTextLength, cell.count > maximumTextLength else { return .success(.string(cell)) }
        return .failure(Expectation(
            kind: .string, found: cell, issue: .textTooLong, detail: "text of at most 50,000 characters, found \(cell.count)",
            hint: "Openlayer refuses longer cells; shorten or drop the column"))
    }

    private static func number(fromText cell: String, integral: Bool) -> Result<JSONValue, Expectation> {
        switch CSVCell.number(cell) {
        case .integer(let integer)?: return .success(integral ? .integer(integer) : .double(Double(integer)))
        case .double(let double)?: return .success(.double(double))
        case .infinite?:
            return .failure(Expectation(kind: .number, found: cell, detail: "a finite number: JSON has no infinity"))
        case nil: return .failure(Expectation(kind: .number, found: cell))
        }
    }

    private static func classIndex(fromText cell: String, classCount: Int) -> Result<JSONValue, Expectation> {
        switch CSVCell.number(cell) {
        case .integer(let integer)?: return checkClass(integer, classCount: classCount, text: cell)
        case .double(let double)? where double.rounded() == double && abs(double) < 1e15:
            return checkClass(Int64(double), classCount: classCount, text: cell)
        default: break
        }
        return .failure(Expectation(kind: .classIndex(classCount: classCount), found: cell))
    }

    private static func checkClass(_ index: Int64, classCount: Int, text: String) -> Result<JSONValue, Expectation> {
        guard classCount == 0 || (0..<Int64(classCount)).contains(index) else {
            return .failure(Expectation(kind: .classIndex(classCount: classCount), found: text, issue: .classOutOfRange))
        }
        return .success(.integer(index))
    }

    private static func timestamp(fromText cell: String) -> Result<JSONValue, Expectation> {
        switch CSVCell.number(cell) {
        case .integer(let integer)?: return .success(.integer(integer))
        // Fractions of a second carry nothing for monitoring; Openlayer wants whole seconds.
        case .double(let double)? where abs(double) < 1e15: return .success(.integer(Int64(double.rounded(.down))))
        default: break
        }
        return .failure(Expectation(kind: .timestamp, found: cell))
    }

    private static func scores(fromText cell: String, classCount: Int?) -> Result<JSONValue, Expectation> {
        guard case .array(let items)? = try? JSONParser.parse(cell) else {
            return .failure(Expectation(kind: .scores(classCount: classCount), found: cell))
        }
        return scores(items, classCount: classCount, text: cell)
    }

    private static func scores(_ items: [JSONValue], classCount: Int?, text: String) -> Result<JSONValue, Expectation> {
        var numbers: [JSONValue] = []
        numbers.reserveCapacity(items.count)
        for item in items {
            switch item {
            case .integer(let value): numbers.append(.double(Double(value)))
            case .double: numbers.append(item)
            default: return .failure(Expectation(kind: .scores(classCount: classCount), found: text))
            }
        }
        if let classCount, classCount > 0, numbers.count != classCount {
            return .failure(Expectation(kind: .scores(classCount: classCount), found: text, issue: .scoresLength))
        }
        let sum = numbers.reduce(0.0) { total, value in if case .double(let number) = value { total + number } else { total } }
        guard (0.9...1.1).contains(sum) else {
            return .failure(Expectation(
                kind: .scores(classCount: classCount), found: text, issue: .scoresSum,
                detail: "class probabilities that sum to 1 (0.9 to 1.1), found a sum of \((sum * 1000).rounded() / 1000)",
                hint: "scores are one probability per class, in the order of classNames"))
        }
        return .success(.array(numbers))
    }
}

/// What a column of a given kind wanted, for the row issue.
struct Expectation: Error, Equatable {
    var kind: ColumnKind
    var found: String
    /// What went wrong; by default, that the value is not of the column's kind at all.
    var issue: IssueKind
    /// Says more precisely than the kind what was wrong (a sum, a length).
    var detail: String?
    var hint: String?

    init(kind: ColumnKind, found: String, issue: IssueKind? = nil, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.found = found
        self.issue = issue ?? Self.notOfKind(kind)
        self.detail = detail
        self.hint = hint
    }

    private static func notOfKind(_ kind: ColumnKind) -> IssueKind {
        switch kind {
        case .number, .inferred: .notANumber
        case .string: .notText
        case .classIndex: .notAClassIndex
        case .timestamp: .notATimestamp
        case .scores: .notScores
        }
    }

    var expected: String {
        if let detail { return detail }
        return switch kind {
        case .number, .inferred: "a number"
        case .string: "text"
        case .classIndex(let count) where count > 0: "a class index, an integer from 0 to \(count - 1) (classNames has \(count) entries)"
        case .classIndex: "a class index, an integer"
        case .timestamp: "a timestamp in UNIX seconds, like 1764115200"
        case .scores(let count?) where count > 0: "a list of \(count) class probabilities, like [\(Array(repeating: "0.5", count: min(count, 3)).joined(separator: ", "))\(count > 3 ? ", ..." : "")]"
        case .scores: "a list of class probabilities, like [0.1, 0.9]"
        }
    }
}

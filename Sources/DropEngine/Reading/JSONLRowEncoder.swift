import DropJSON

/// The fast path of a JSONL row: reads the line's bytes once, types each value in place and
/// writes the row's JSON from those bytes, with no `JSONValue` or `String` per value.
///
/// What `CSVRowEncoder` is to a CSV row. It takes the lines it can vouch for — an object of
/// plain keys and values: strings (escapes copied as written, being JSON already), numbers in
/// the form both readers agree on, booleans, nulls, score lists — and gives up on the others
/// (`nil`): nested values, escaped keys and ids, surrogate escapes, a repeated key, anything the
/// data config would refuse. Those go through the JSON parser and
/// `RowTyper`, which reaches the same value the general way or reports what is wrong.
/// `JSONLRowEncoderTests` holds the two paths to the same rows, and `Tests/Golden` to what
/// was sent before.
///
/// The keys of a JSONL file are known only as they come: the encoder keeps them as columns in
/// the order first met, and remembers the column at each position of the previous line, since
/// rows of one file mostly repeat their keys in the same order.
final class JSONLRowEncoder {
    typealias Row = CSVRowEncoder.Row
    typealias Fill = CSVRowEncoder.Fill

    /// The keys met so far, in the order first met.
    private(set) var columns: [String] = []
    /// The columns of the last line `encode` took, in its order.
    private(set) var rowColumns: [Int] = []

    private let plan: ColumnPlan
    private let stats: [String: ColumnStats]
    private let timestamps: TimestampRule
    private let fill: Fill?
    private let idKey: [UInt8]
    private let timestampKey: [UInt8]
    private var keys: [[UInt8]] = []
    private var columnIndex: [[UInt8]: Int] = [:]
    private var kinds: [ColumnKind] = []
    private var columnStats: [ColumnStats] = []
    private var isIdColumn: [Bool] = []
    private var isTimestampColumn: [Bool] = []
    /// For each column, the number of the last line that gave it: a key given twice in a line
    /// is left to the general path.
    private var lastSeenIn: [Int] = []
    private var lineCount = 0
    private var requiredColumns: [Int?]

    /// - Parameters:
    ///   - stats: the survey's column types; empty while surveying (each value typed alone).
    ///   - fill: ids and timestamps to fill in, or nil (surveying).
    init(plan: ColumnPlan, stats: [String: ColumnStats], timestamps: TimestampRule, fill: Fill?) {
        self.plan = plan
        self.stats = stats
        self.timestamps = timestamps
        self.fill = fill
        var id: [UInt8] = []
        JSONWriter.appendString(plan.inferenceIdColumn, to: &id)
        id.append(UInt8(ascii: ":"))
        idKey = id
        var timestamp: [UInt8] = []
        JSONWriter.appendString(plan.timestampColumn, to: &timestamp)
        timestamp.append(UInt8(ascii: ":"))
        timestampKey = timestamp
        requiredColumns = Array(repeating: nil, count: plan.required.count)
    }

    /// Whether the fast path can serve files of this plan: as `CSVRowEncoder.serves`.
    static func serves(_ plan: ColumnPlan) -> Bool {
        CSVRowEncoder.serves(plan)
    }

    /// Appends the row's JSON object to `out` and returns what it holds, or returns nil (with
    /// `out` as it was) when the line needs the general path.
    /// - Parameters:
    ///   - ordinal: the row's position among the file's rows, for a generated id.
    ///   - types: set to each non-null value's column and the type it was sent as, for the
    ///     survey to note once the row is known to be sent.
    func encode<Output: EncodedRowOutput>(
        _ line: UnsafeRawBufferPointer, ordinal: Int, into out: inout Output, types: inout [(column: Int, seen: ColumnStats.Seen)]
    ) -> Row? {
        let bytes = line.assumingMemoryBound(to: UInt8.self)
        lineCount += 1
        types.removeAll(keepingCapacity: true)
        rowColumns.removeAll(keepingCapacity: true)
        let start = out.count
        var row = Row(givenId: nil, generatedId: nil, hasTimestamp: false)
        var sawId = false
        var sawTimestamp = false
        var scanner = JSONLineScanner(bytes: bytes)
        func giveUp() -> Row? {
            out.truncate(to: start)
            return nil
        }
        scanner.skipBlanks()
        guard scanner.take(UInt8(ascii: "{")) else { return giveUp() }
        out.append(UInt8(ascii: "{"))
        scanner.skipBlanks()
        if !scanner.take(UInt8(ascii: "}")) {
            while true {
                guard let key = scanner.string(allowingEscapes: false)?.range else { return giveUp() }
                let column = self.column(for: UnsafeBufferPointer(rebasing: bytes[key]))
                guard lastSeenIn[column] != lineCount else { return giveUp() }
                lastSeenIn[column] = lineCount
                rowColumns.append(column)
                scanner.skipBlanks()
                guard scanner.take(UInt8(ascii: ":")) else { return giveUp() }
                scanner.skipBlanks()
                if rowColumns.count > 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[key]))
                out.append(UInt8(ascii: "\""))
                out.append(UInt8(ascii: ":"))
                guard let value = scanner.value() else { return giveUp() }
                if isIdColumn[column] { sawId = true }
                if isTimestampColumn[column] { sawTimestamp = true }
                switch value {
                case .null:
                    if isIdColumn[column], let fill {
                        row.generatedId = appendId(fill, ordinal: ordinal, to: &out)
                    } else if isTimestampColumn[column], let fill {
                        fill.defaultTimestampText.append(to: &out)
                    } else {
                        out.append(contentsOf: Self.null)
                    }
                default:
                    guard let seen = encodeValue(value, bytes: bytes, column: column, into: &out) else { return giveUp() }
                    if isIdColumn[column] {
                        if case .string(let range, _) = value, range.isEmpty {
                            // An empty id is no id: one is generated in its place.
                            guard let fill else { return giveUp() }
                            out.truncate(to: out.count - 2)
                            row.generatedId = appendId(fill, ordinal: ordinal, to: &out)
                        } else {
                            // An id is hashed and fingerprinted as the parser decodes it: escapes go there.
                            guard case .string(let range, escaped: false) = value else { return giveUp() }
                            row.givenId = range
                            types.append((column, seen))
                        }
                    } else {
                        if isTimestampColumn[column] { row.hasTimestamp = true }
                        types.append((column, seen))
                    }
                }
                scanner.skipBlanks()
                if scanner.take(UInt8(ascii: "}")) { break }
                guard scanner.take(UInt8(ascii: ",")) else { return giveUp() }
                scanner.skipBlanks()
            }
        }
        scanner.skipBlanks()
        guard scanner.isAtEnd else { return giveUp() }
        for (position, name) in plan.required.enumerated() {
            if requiredColumns[position] == nil { requiredColumns[position] = columnIndex[Array(name.utf8)] }
            guard let required = requiredColumns[position], lastSeenIn[required] == lineCount else { return giveUp() }
        }
        // As in `CSVRowEncoder.encode`, written out: a helper shared by the two, taking the
        // keys, measured 2-3% slower (two arrays retained and released a row).
        if let fill {
            if !sawId {
                if !rowColumns.isEmpty { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: idKey)
                row.generatedId = appendId(fill, ordinal: ordinal, to: &out)
            }
            if !sawTimestamp {
                out.append(UInt8(ascii: ","))
                out.append(contentsOf: timestampKey)
                fill.defaultTimestampText.append(to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        return row
    }

    /// For a row `encode` took: remembers the id it gives in `ids` and returns the fingerprint
    /// of its given id (0 when it has none); nil when an earlier row gave the same id (the row
    /// then goes to `RowTyper`, which reports it). As `CSVRowEncoder.admitId`.
    func admitId(of row: Row, line: UnsafeRawBufferPointer, lineNumber: Int, ids: inout DuplicateIdTracker) -> UInt64? {
        guard let given = row.givenId else { return 0 }
        let hash = DuplicateIdTracker.hash(UnsafeRawBufferPointer(rebasing: line[given]))
        guard ids.admit(hash: hash, line: lineNumber) else { return nil }
        return InferenceIdFingerprint.mixing(hash)
    }

    private static let null: [UInt8] = Array("null".utf8)
    private static let trueText: [UInt8] = Array("\"true\"".utf8)
    private static let falseText: [UInt8] = Array("\"false\"".utf8)

    private func column(for key: UnsafeBufferPointer<UInt8>) -> Int {
        let position = rowColumns.count
        if position < lastRowColumns.count {
            let candidate = lastRowColumns[position]
            if keys[candidate].withUnsafeBufferPointer({ $0.elementsEqual(key) }) { return remember(candidate, at: position) }
        }
        let bytes = Array(key)
        if let known = columnIndex[bytes] { return remember(known, at: position) }
        let name = String(decoding: key, as: UTF8.self)
        let column = columns.count
        columns.append(name)
        keys.append(bytes)
        columnIndex[bytes] = column
        kinds.append(plan.kind(of: name))
        columnStats.append(stats[name] ?? ColumnStats())
        isIdColumn.append(name == plan.inferenceIdColumn)
        isTimestampColumn.append(name == plan.timestampColumn)
        lastSeenIn.append(0)
        return remember(column, at: position)
    }

    /// The columns of the previous line by position, to find a key without hashing it.
    private var lastRowColumns: [Int] = []

    private func remember(_ column: Int, at position: Int) -> Int {
        if position < lastRowColumns.count {
            lastRowColumns[position] = column
        } else {
            lastRowColumns.append(column)
        }
        return column
    }

    /// Writes one non-null value; the type it was sent as, or nil to give up on the row.
    private func encodeValue<Output: EncodedRowOutput>(
        _ value: JSONLineScanner.Value, bytes: UnsafeBufferPointer<UInt8>, column: Int, into out: inout Output
    ) -> ColumnStats.Seen? {
        let stats = columnStats[column]
        switch (kinds[column], value) {
        case (.string, .string(let range, _)):
            guard range.count <= ValueTyping.maximumTextLength else { return nil }
            appendString(bytes, range, to: &out)
            return .string
        case (.inferred, .string(let range, _)):
            appendString(bytes, range, to: &out)
            return .string
        case (.string, .number(let range, .integer)):
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            out.append(UInt8(ascii: "\""))
            return .string
        case (.string, .boolean(let flag, _)):
            out.append(contentsOf: flag ? Self.trueText : Self.falseText)
            return .string
        case (.inferred, .boolean):
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[value.range]))
            return .bool
        case (.inferred, .number(let range, .integer)), (.number, .number(let range, .integer)):
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            if ColumnType(kind: kinds[column], stats: stats).keepsIntegers { return .integer }
            out.append(UInt8(ascii: "."))
            out.append(UInt8(ascii: "0"))
            return .double
        case (.inferred, .number(let range, .double)), (.number, .number(let range, .double)):
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            return .double
        case (.classIndex(let classCount), .number(let range, .integer(let index))):
            guard classCount == 0 || (0..<Int64(classCount)).contains(index) else { return nil }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            return .integer
        case (.timestamp, .number(let range, .integer(let seconds))):
            if plan.purpose != .groundTruths, timestamps.violation(seconds) != nil { return nil }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            return .integer
        case (.scores(let classCount), .scores(let items, let count, let sum)):
            guard classCount.map({ $0 <= 0 || $0 == count }) ?? true, (0.9...1.1).contains(sum) else { return nil }
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[item.range]))
                if item.isInteger {
                    out.append(UInt8(ascii: "."))
                    out.append(UInt8(ascii: "0"))
                }
            }
            out.append(UInt8(ascii: "]"))
            return .numberList
        default:
            return nil
        }
    }

    private func appendString<Output: EncodedRowOutput>(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to out: inout Output) {
        // Valid UTF-8 and valid escapes (`JSONLineScanner.string`): the string as written is its own JSON.
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
        out.append(UInt8(ascii: "\""))
    }

    private func appendId<Output: EncodedRowOutput>(_ fill: Fill, ordinal: Int, to out: inout Output) -> Range<Int> {
        out.append(UInt8(ascii: "\""))
        let id = out.appendInferenceId(fill.ids, ordinal: ordinal)
        out.append(UInt8(ascii: "\""))
        return id
    }
}

import DropFormats
import DropJSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The fast path of a CSV row: types its cells from their bytes and writes the row's JSON
/// straight into the request body, with no `String` or `JSONValue` per cell.
///
/// A `String` and a `JSONValue` per cell, built, checked and thrown away, cost several times
/// what everything else in publishing costs (see `scripts/bench.sh`). This path takes the rows
/// it can vouch for — the common spellings, every value valid — and gives up on the others
/// (`nil`): those go through `RowTyper`, which reaches the same value the general way or
/// reports what is wrong. So the two paths never disagree on a row; the golden rows test
/// (`Tests/Golden`) holds both to what was sent before.
///
/// Numbers already spelled as JSON spells them are copied as they are (an integer in a double
/// column gets `.0`); strings are escaped in one pass; ids are written from the file's digest.
final class CSVRowEncoder {
    /// What the fast path found in a row it encoded.
    struct Row {
        /// Where the inference id the row gives is, if it gives one: in the record's bytes
        /// (`CSVFields.bytes(_:)`) or in the JSONL line.
        var givenId: Range<Int>?
        /// The inference id written for it (`EncodedRowOutput.withGeneratedId`), if one was generated.
        var generatedId: Range<Int>?
        var hasTimestamp: Bool
    }

    /// Filling in ids and timestamps (predictions, when publishing).
    struct Fill {
        /// The generated ids, made a few rows ahead: one per encoder.
        let ids: GeneratedIds
        let defaultTimestamp: Int64
        /// `defaultTimestamp` in decimal, written once instead of once per row.
        let defaultTimestampText: ShortBytes

        init(ids: InferenceIdGenerator, defaultTimestamp: Int64) {
            self.ids = GeneratedIds(ids)
            self.defaultTimestamp = defaultTimestamp
            var text: [UInt8] = []
            JSONWriter.appendInteger(defaultTimestamp, to: &text)
            defaultTimestampText = ShortBytes(text)
        }
    }

    let kinds: [ColumnKind]
    /// Columns whose cells are numbers or score lists, or missing: a cell there is read as a
    /// number first, and asked whether it is a missing-value word only if it is not one (no
    /// such word reads as a number). Asked first, the question cost a mispredicted branch on
    /// the first digit of many numbers.
    private let takesNumbersOnly: [Bool]
    private let stats: [ColumnStats]
    /// `"name":` of every column, escaped once, each in a slot of `keySlotWords` words, so that
    /// it is appended a word at a time rather than by a call to `memmove` at every cell. One
    /// buffer of the encoder's own: an array of arrays is retained and released at every cell.
    private let keyWords: UnsafeMutablePointer<UInt64>
    private let keySlotWords: Int
    private let keyLengths: [Int]
    private let timestamps: TimestampRule
    private let checksTimestamps: Bool
    let idIndex: Int?
    let timestampIndex: Int?
    private let idKey: [UInt8]
    private let timestampKey: [UInt8]
    let fill: Fill?
    /// `fill`'s ids without reference counting, for the row loop: passing the reference on at
    /// every row retained and released it, 4% of the publishing pass. `fill` keeps it alive.
    private let unretainedIds: Unmanaged<GeneratedIds>?
    /// `fill`'s parts, held apart: binding the optional `fill` at every cell copied it, and
    /// retained what it holds.
    private let timestampText: ShortBytes?
    let fillTimestamp: Int64?

    /// Whether the fast path can serve files of this plan at all: not ground truths, whose rows
    /// are projected on two columns and must carry an id.
    static func serves(_ plan: ColumnPlan) -> Bool {
        plan.purpose != .groundTruths && plan.sentColumns == nil
    }

    /// - Parameters:
    ///   - stats: the survey's column types; empty while surveying (each cell typed alone).
    ///   - fill: ids and timestamps to fill in, or nil (surveying, reference datasets).
    init(plan: ColumnPlan, columns: [String], stats: [String: ColumnStats], timestamps: TimestampRule, fill: Fill?) {
        kinds = columns.map(plan.kind(of:))
        takesNumbersOnly = kinds.map { kind in
            switch kind {
            case .number, .classIndex, .timestamp, .scores: true
            case .string, .inferred: false
            }
        }
        self.stats = columns.map { stats[$0] ?? ColumnStats() }
        let keys = columns.map(Self.key)
        keyLengths = keys.map(\.count)
        keySlotWords = ((keyLengths.max() ?? 0) + 7) / 8
        keyWords = .allocate(capacity: max(1, keySlotWords * keys.count))
        keyWords.initialize(repeating: 0, count: max(1, keySlotWords * keys.count))
        for (index, key) in keys.enumerated() {
            UnsafeMutableRawPointer(keyWords + index * keySlotWords).copyMemory(from: key, byteCount: key.count)
        }
        self.timestamps = timestamps
        checksTimestamps = plan.purpose != .groundTruths
        idIndex = columns.firstIndex(of: plan.inferenceIdColumn)
        timestampIndex = columns.firstIndex(of: plan.timestampColumn)
        idKey = Self.key(plan.inferenceIdColumn)
        timestampKey = Self.key(plan.timestampColumn)
        self.fill = fill
        unretainedIds = fill.map { Unmanaged.passUnretained($0.ids) }
        timestampText = fill?.defaultTimestampText
        fillTimestamp = fill?.defaultTimestamp
    }

    deinit {
        keyWords.deallocate()
    }

    private static func key(_ name: String) -> [UInt8] {
        var bytes: [UInt8] = []
        JSONWriter.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        return bytes
    }

    /// Appends the row's JSON object to `out` and returns what it holds, or returns nil (with
    /// `out` as it was) when the row needs `RowTyper`.
    /// - Parameters:
    ///   - ordinal: the row's position among the file's rows, for a generated id.
    ///   - types: one slot per column, set to the type each value was sent as (empty for null),
    ///     for the survey to note once the row is known to be sent.
    func encode<Output: EncodedRowOutput>(_ fields: CSVFields, ordinal: Int, into out: inout Output, types: inout [ColumnStats.Seen]) -> Row? {
        let columnCount = kinds.count
        guard fields.count <= columnCount else { return nil }
        let start = out.count
        var row = Row(givenId: nil, generatedId: nil, hasTimestamp: false)
        out.append(UInt8(ascii: "{"))
        for index in 0..<columnCount {
            types[index] = []
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(words: keyWords + index * keySlotWords, count: keyLengths[index])
            let cell = index < fields.count ? fields[index] : UnsafeBufferPointer(start: nil, count: 0)
            let numberFirst = takesNumbersOnly[index]
            let type: ColumnStats.Seen
            if numberFirst, let sent = encodeValue(cell, kind: kinds[index], column: stats[index], into: &out) {
                type = sent
            } else if CSVCellBytes.isMissing(cell) {
                if index == idIndex, unretainedIds != nil {
                    row.generatedId = appendId(ordinal: ordinal, to: &out)
                } else if index == timestampIndex, let timestampText {
                    timestampText.append(to: &out)
                } else {
                    out.append(word: JSONWords.null, count: 4)
                }
                continue
            } else if !numberFirst, let sent = encodeValue(cell, kind: kinds[index], column: stats[index], into: &out) {
                type = sent
            } else {
                out.truncate(to: start)
                return nil
            }
            types[index] = type
            if index == idIndex { row.givenId = fields.range(of: index) }
            if index == timestampIndex { row.hasTimestamp = true }
        }
        if idIndex == nil, unretainedIds != nil {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: idKey)
            row.generatedId = appendId(ordinal: ordinal, to: &out)
        }
        if timestampIndex == nil, let timestampText {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: timestampKey)
            timestampText.append(to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return row
    }

    /// For a row `encode` took: remembers the id it gives in `ids` and returns the fingerprint
    /// of its given id (`InferenceIdFingerprint`; 0 when the id is generated or there is none:
    /// the journal keeps no fingerprint of generated ids). nil when an earlier row gave the same
    /// id: the row then goes to `RowTyper`, which reports it.
    func admitId(of row: Row, fields: CSVFields, line: Int, ids: inout DuplicateIdTracker) -> UInt64? {
        guard let given = row.givenId else { return 0 }
        let hash = DuplicateIdTracker.hash(fields.bytes(given))
        guard ids.admit(hash: hash, line: line) else { return nil }
        return InferenceIdFingerprint.mixing(hash)
    }


    /// Only when `unretainedIds` is set.
    private func appendId<Output: EncodedRowOutput>(ordinal: Int, to out: inout Output) -> Range<Int> {
        out.append(UInt8(ascii: "\""))
        let id = unretainedIds.unsafelyUnwrapped._withUnsafeGuaranteedRef { out.appendInferenceId($0, ordinal: ordinal) }
        out.append(UInt8(ascii: "\""))
        return id
    }

    /// Writes one present cell; the type it was sent as, or nil to give up on the row.
    private func encodeValue<Output: EncodedRowOutput>(_ cell: CSVCellBytes.Bytes, kind: ColumnKind, column: ColumnStats, into out: inout Output) -> ColumnStats.Seen? {
        switch kind {
        case .string:
            return appendText(cell, to: &out)
        case .number:
            return appendNumber(cell, integral: ColumnType(kind: kind, stats: column).keepsIntegers, to: &out)
        case .inferred:
            // As `ValueTyping.inferred`: a number if the column is numbers, else a boolean if
            // it is booleans, else the text. A cell that does not start like a number can only
            // read as infinity or NaN, which are text there too.
            let type = ColumnType(kind: .inferred, stats: column)
            if type.readsNumbers, CSVCellBytes.mayBeNumber(cell) {
                return appendNumber(cell, integral: type.keepsIntegers, to: &out)
            }
            if type.readsBooleans, let flag = CSVCellBytes.boolean(cell) {
                if flag { out.append(word: JSONWords.true, count: 4) } else { out.append(word: JSONWords.false, count: 5) }
                return .bool
            }
            return appendText(cell, to: &out)
        case .classIndex(let classCount):
            guard case .integer(let value)? = CSVCellBytes.canonicalNumber(cell),
                classCount == 0 || (0..<Int64(classCount)).contains(value)
            else { return nil }
            out.append(contentsOf: cell)
            return .integer
        case .timestamp:
            guard case .integer(let seconds)? = CSVCellBytes.canonicalNumber(cell) else { return nil }
            if checksTimestamps, timestamps.violation(seconds) != nil { return nil }
            out.append(contentsOf: cell)
            return .integer
        case .scores(let classCount):
            return appendScores(cell, classCount: classCount, to: &out)
        }
    }


    private func appendText<Output: EncodedRowOutput>(_ cell: CSVCellBytes.Bytes, to out: inout Output) -> ColumnStats.Seen? {
        guard cell.count <= ValueTyping.maximumTextLength else { return nil }
        if CSVCellBytes.isPlainText(cell) {
            out.appendPlainJSONString(cell)
            return .string
        }
        guard CSVCellBytes.isValidUTF8(cell) else { return nil }
        out.appendJSONString(utf8: cell)
        return .string
    }

    private func appendNumber<Output: EncodedRowOutput>(_ cell: CSVCellBytes.Bytes, integral: Bool, to out: inout Output) -> ColumnStats.Seen? {
        switch CSVCellBytes.canonicalNumber(cell) {
        case .integer?:
            out.append(contentsOf: cell)
            if integral { return .integer }
            out.append(word: JSONWords.pointZero, count: 2)
            return .double
        case .double?:
            out.append(contentsOf: cell)
            return .double
        case nil:
            return nil
        }
    }


    /// `"[0.9, 0.1]"`: a list of canonical numbers with blanks between, of the right length,
    /// summing to 1 (0.9 to 1.1) exactly as `ValueTyping` sums it; written without the blanks,
    /// each number as a double.
    private func appendScores<Output: EncodedRowOutput>(_ cell: CSVCellBytes.Bytes, classCount: Int?, to out: inout Output) -> ColumnStats.Seen? {
        let count = cell.count
        guard count >= 2, cell[0] == UInt8(ascii: "["), cell[count - 1] == UInt8(ascii: "]") else { return nil }
        let start = out.count
        func giveUp() -> ColumnStats.Seen? {
            out.truncate(to: start)
            return nil
        }
        out.append(UInt8(ascii: "["))
        var index = 1
        var items = 0
        var sum = 0.0
        func skipBlanks() {
            while index < count - 1, cell[index] == UInt8(ascii: " ") || cell[index] == UInt8(ascii: "\t") { index += 1 }
        }
        skipBlanks()
        while index < count - 1 {
            var end = index
            while end < count - 1, cell[end] != UInt8(ascii: ","), cell[end] != UInt8(ascii: " "), cell[end] != UInt8(ascii: "\t") { end += 1 }
            let number = UnsafeBufferPointer(rebasing: cell[index..<end])
            let value: Double
            let isInteger: Bool
            if let short = Self.shortCanonicalDecimal(number) {
                (value, isInteger) = short
            } else {
                guard let kind = CSVCellBytes.canonicalNumber(number), let parsed = Self.double(number) else { return giveUp() }
                value = parsed
                if case .integer = kind { isInteger = true } else { isInteger = false }
            }
            if items > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: number)
            if isInteger { out.append(word: JSONWords.pointZero, count: 2) }
            sum += value
            items += 1
            index = end
            skipBlanks()
            if index < count - 1 {
                guard cell[index] == UInt8(ascii: ",") else { return giveUp() }
                index += 1
                skipBlanks()
                guard index < count - 1 else { return giveUp() }
            }
        }
        out.append(UInt8(ascii: "]"))
        let lengthOK = classCount.map { $0 <= 0 || $0 == items } ?? true
        guard lengthOK, (0.9...1.1).contains(sum) else { return giveUp() }
        return .numberList
    }

    /// The double a canonical number spells, correctly rounded as Swift's `Double(_:)` rounds,
    /// so the sum is the one `ValueTyping` checks. Short decimals take Clinger's fast path (one
    /// exact integer, one exact power of ten, one correctly rounded operation); the others glibc's
    /// `strtod`.
    static func double(_ number: CSVCellBytes.Bytes) -> Double? {
        if let fast = shortDecimal(number) { return fast }
        guard number.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            for (offset, byte) in number.enumerated() { buffer[offset] = CChar(bitPattern: byte) }
            buffer[number.count] = 0
            let value = strtod(buffer.baseAddress!, nil)
            return value.isFinite ? value : nil
        }
    }

    /// A score as most files spell it — `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 15 digits — checked
    /// and read in one pass: its value (as `double` reads it) and whether it is an integer. nil
    /// for any other spelling, which `CSVCellBytes.canonicalNumber` and `double` then decide.
    static func shortCanonicalDecimal(_ number: CSVCellBytes.Bytes) -> (value: Double, isInteger: Bool)? {
        let count = number.count
        guard count > 0 else { return nil }
        var index = 0
        let negative = number[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < count else { return nil }
        let leading = number[index]
        var mantissa: UInt64 = 0
        var digits = 0
        if leading == UInt8(ascii: "0") {
            index += 1
            digits = 1
        } else {
            while index < count {
                let digit = number[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
        }
        if index == count {
            // "-0" is the integer 0 to CSVCell but the double -0.0: left to the general path.
            guard digits <= 15, !(negative && mantissa == 0) else { return nil }
            return (negative ? -Double(mantissa) : Double(mantissa), true)
        }
        guard number[index] == UInt8(ascii: "."), index + 1 < count else { return nil }
        index += 1
        let fractionStart = index
        while index < count {
            let digit = number[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            index += 1
        }
        let fractionDigits = count - fractionStart
        guard digits + fractionDigits <= 15 else { return nil }
        let value = Double(mantissa) / powerOfTen(fractionDigits)
        return (negative ? -value : value, false)
    }

    /// `[-]digits[.digits]` with at most 15 significant digits: exactly `mantissa / 10^k`.
    private static func shortDecimal(_ number: CSVCellBytes.Bytes) -> Double? {
        let count = number.count
        var index = 0
        var negative = false
        if count > 0, number[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        while index < count {
            let byte = number[index]
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                digits += 1
                if seenPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                return nil
            }
            index += 1
        }
        guard digits <= 15 else { return nil }
        let value = Double(mantissa) / powerOfTen(fractionDigits)
        return negative ? -value : value
    }

    /// 10^exponent for 0 through 15, each exact in a double; a switch, not a global array,
    /// which costs a lazy-init check at every call.
    @inline(__always)
    private static func powerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        default: 1e15
        }
    }
}

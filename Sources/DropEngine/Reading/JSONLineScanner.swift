/// The tokens of one line, for `JSONLRowEncoder`: only what it takes as is, nil for the rest.
struct JSONLineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    enum NumberKind {
        case integer(Int64)
        case double
    }

    struct ScoreItem {
        var range: Range<Int>
        var isInteger: Bool
    }

    enum Value {
        case null
        case boolean(Bool, Range<Int>)
        /// A string's content as written; `escaped` when it holds escapes (valid ones).
        case string(Range<Int>, escaped: Bool)
        case number(Range<Int>, NumberKind)
        /// A list of numbers: its items, their count, and their sum as `ValueTyping` sums it.
        case scores([ScoreItem], count: Int, sum: Double)

        var range: Range<Int> {
            switch self {
            case .boolean(_, let range), .string(let range, _), .number(let range, _): range
            case .null, .scores: 0..<0
            }
        }
    }

    var isAtEnd: Bool { index == bytes.count }

    mutating func skipBlanks() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// A string in valid UTF-8, without control characters: the range of its content as
    /// written, and whether it holds escapes. nil for a string with escapes when they are not
    /// allowed, and for escapes the fast path does not vouch for: a `\u` of a surrogate is left to
    /// the parser, which pairs them. pandas' `to_json` escapes every `/` and non-ASCII character,
    /// so a file it wrote has escapes in most of its text.
    mutating func string(allowingEscapes: Bool) -> (range: Range<Int>, escaped: Bool)? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var ascii = true
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let range = start..<index
                index += 1
                if !ascii, !CSVCellBytes.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[range])) { return nil }
                return (range, escaped)
            }
            if byte < 0x20 { return nil }
            if byte == UInt8(ascii: "\\") {
                guard allowingEscapes, skipEscape() else { return nil }
                escaped = true
                continue
            }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return nil
    }

    /// Steps over one escape the JSON grammar allows, other than a surrogate's `\u`.
    private mutating func skipEscape() -> Bool {
        guard index + 1 < bytes.count else { return false }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
            return true
        case UInt8(ascii: "u"):
            guard index + 5 < bytes.count else { return false }
            var code: UInt32 = 0
            for offset in 2...5 {
                guard let value = Hex.value(of: bytes[index + offset], uppercase: true) else { return false }
                code = code << 4 | UInt32(value)
            }
            guard !(0xD800...0xDFFF).contains(code) else { return false }
            index += 6
            return true
        default:
            return false
        }
    }

    mutating func value() -> Value? {
        guard index < bytes.count else { return nil }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return string(allowingEscapes: true).map { Value.string($0.range, escaped: $0.escaped) }
        case UInt8(ascii: "n"):
            return literal("null") ? .null : nil
        case UInt8(ascii: "t"):
            return literal("true") ? .boolean(true, start..<index) : nil
        case UInt8(ascii: "f"):
            return literal("false") ? .boolean(false, start..<index) : nil
        case UInt8(ascii: "["):
            return scores()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number().map { .number($0.range, $0.kind) }
        default:
            return nil
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// A number both `JSONParser` and `CSVCellBytes.canonicalNumber` read the same way.
    private mutating func number() -> (range: Range<Int>, kind: NumberKind)? {
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        let range = start..<index
        switch CSVCellBytes.canonicalNumber(UnsafeBufferPointer(rebasing: bytes[range])) {
        case .integer(let value)?: return (range, .integer(value))
        case .double?: return (range, .double)
        case nil: return nil
        }
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            true
        default:
            false
        }
    }

    /// `[0.9, 0.1]`: numbers only, summed in order as doubles.
    private mutating func scores() -> Value? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var items: [ScoreItem] = []
        var sum = 0.0
        skipBlanks()
        if take(UInt8(ascii: "]")) { return .scores(items, count: 0, sum: 0) }
        while true {
            guard let (range, kind) = number(), let value = CSVRowEncoder.double(UnsafeBufferPointer(rebasing: bytes[range])) else {
                return nil
            }
            let isInteger = if case .integer = kind { true } else { false }
            items.append(ScoreItem(range: range, isInteger: isInteger))
            sum += value
            skipBlanks()
            if take(UInt8(ascii: "]")) { return .scores(items, count: items.count, sum: sum) }
            guard take(UInt8(ascii: ",")) else { return nil }
            skipBlanks()
        }
    }
}

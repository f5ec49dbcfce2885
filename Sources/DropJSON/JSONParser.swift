/// A strict RFC 8259 parser for one JSON text, written at the byte level because it runs on
/// every line of multi-gigabyte JSONL files, and because Foundation's `JSONSerialization`
/// forgets key order and turns `1.0` into `1`, both of which Openlayer's schema checks see.
///
/// Strictness is deliberate: a row that only some JSON dialect accepts (NaN, comments,
/// trailing commas) would be read one way here and another way by whoever reads it next.
public enum JSONParser {
    /// How deeply arrays and objects may nest. Rows are shallow; the limit only stops a
    /// hostile or broken file from exhausting the stack of the recursive descent.
    public static let maximumDepth = 512

    /// Parses `bytes` as exactly one JSON value (surrounded by optional whitespace).
    /// - Parameter line: the line number of the first byte, so that errors in one line of a
    ///   larger file name that file's line; newlines inside `bytes` advance it.
    public static func parse(_ bytes: UnsafeRawBufferPointer, line: Int = 1) throws(FormatError) -> JSONValue {
        var parser = JSONByteParser(bytes: bytes)
        do {
            return try parser.parseDocument()
        } catch {
            let location = TextLocation.locate(offset: error.offset, in: bytes, firstLine: line)
            throw FormatError(line: location.line, position: location.column, message: error.message)
        }
    }

    public static func parse(_ bytes: [UInt8], line: Int = 1) throws(FormatError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(FormatError) -> JSONValue in try parse(buffer, line: line) }
        }
        return try result.get()
    }

    public static func parse(_ text: String, line: Int = 1) throws(FormatError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(FormatError) -> JSONValue in try parse(UnsafeRawBufferPointer(buffer), line: line) }
        }
        return try result.get()
    }
}

/// A parse failure at a byte offset; turned into a line and column only once, at the top,
/// so that the hot path never counts columns.
struct JSONParseFailure: Error {
    var offset: Int
    var message: String
}

/// The recursive-descent state. A struct over an unsafe buffer keeps every byte access a
/// plain load in optimized builds.
struct JSONByteParser {
    let bytes: UnsafeRawBufferPointer
    let end: Int
    var index = 0
    /// Reused for strings with escapes so that each one does not allocate its own buffer.
    var scratch: [UInt8] = []

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.end = bytes.count
    }

    func failure(_ message: String, at offset: Int? = nil) -> JSONParseFailure {
        JSONParseFailure(offset: offset ?? index, message: message)
    }

    mutating func parseDocument() throws(JSONParseFailure) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == end else { throw failure("expected the end of the text after the JSON value") }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < end, ASCII.isJSONWhitespace(bytes[index]) { index += 1 }
    }

    mutating func parseValue(depth: Int) throws(JSONParseFailure) -> JSONValue {
        guard index < end else { throw failure("expected a JSON value") }
        switch bytes[index] {
        case ASCII.quote:
            return .string(try parseString())
        case ASCII.openBrace:
            return .object(try parseObject(depth: depth + 1))
        case ASCII.openBracket:
            return .array(try parseArray(depth: depth + 1))
        case ASCII.minus, ASCII.zero...ASCII.nine:
            return try parseNumber()
        case 0x74:  // t
            try expectLiteral("true")
            return .bool(true)
        case 0x66:  // f
            try expectLiteral("false")
            return .bool(false)
        case 0x6E:  // n
            try expectLiteral("null")
            return .null
        default:
            throw failure("expected a JSON value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseFailure) {
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for expected in text {
            guard index < end, bytes[index] == expected else {
                throw failure("expected '\(literal)'")
            }
            index += 1
        }
    }

    mutating func checkDepth(_ depth: Int) throws(JSONParseFailure) {
        if depth > JSONParser.maximumDepth {
            throw failure("expected at most \(JSONParser.maximumDepth) levels of nested arrays and objects")
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseFailure) -> [JSONValue] {
        try checkDepth(depth)
        index += 1  // [
        skipWhitespace()
        if index < end, bytes[index] == ASCII.closeBracket {
            index += 1
            return []
        }
        var items: [JSONValue] = []
        while true {
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < end else { throw failure("expected ',' or ']' after an array value") }
            let byte = bytes[index]
            if byte == ASCII.comma {
                index += 1
                skipWhitespace()
            } else if byte == ASCII.closeBracket {
                index += 1
                return items
            } else {
                throw failure("expected ',' or ']' after an array value")
            }
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParseFailure) -> JSONObject {
        try checkDepth(depth)
        index += 1  // {
        skipWhitespace()
        if index < end, bytes[index] == ASCII.closeBrace {
            index += 1
            return JSONObject()
        }
        var fields: [JSONObject.Field] = []
        // Built only for wide objects: rows have tens of keys, where scanning beats hashing,
        // but a pathological object with 100k keys must not make duplicate checks quadratic.
        var positions: [String: Int] = [:]
        var isIndexed = false
        while true {
            guard index < end, bytes[index] == ASCII.quote else {
                throw failure("expected a '\"' to start an object key")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < end, bytes[index] == ASCII.colon else {
                throw failure("expected ':' after an object key")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            // Duplicate keys: the last value wins, at the first key's position, the way
            // most parsers that keep order behave.
            let existing = isIndexed ? positions[key] : fields.firstIndex { $0.key == key }
            if let existing {
                fields[existing].value = value
            } else {
                if isIndexed { positions[key] = fields.count }
                fields.append(JSONObject.Field(key: key, value: value))
                if !isIndexed, fields.count == 32 {
                    for (offset, field) in fields.enumerated() { positions[field.key] = offset }
                    isIndexed = true
                }
            }
            skipWhitespace()
            guard index < end else { throw failure("expected ',' or '}' after an object value") }
            let byte = bytes[index]
            if byte == ASCII.comma {
                index += 1
                skipWhitespace()
            } else if byte == ASCII.closeBrace {
                index += 1
                return JSONObject(fields)
            } else {
                throw failure("expected ',' or '}' after an object value")
            }
        }
    }

    mutating func parseNumber() throws(JSONParseFailure) -> JSONValue {
        let start = index
        let negative = bytes[index] == ASCII.minus
        if negative { index += 1 }
        guard index < end, ASCII.isDigit(bytes[index]) else {
            throw failure("expected a digit after '-'")
        }
        if bytes[index] == ASCII.zero {
            index += 1
            if index < end, ASCII.isDigit(bytes[index]) {
                throw failure("expected no leading zero in a number")
            }
        } else {
            while index < end, ASCII.isDigit(bytes[index]) { index += 1 }
        }
        var isInteger = true
        if index < end, bytes[index] == ASCII.period {
            isInteger = false
            index += 1
            guard index < end, ASCII.isDigit(bytes[index]) else {
                throw failure("expected a digit after '.' in a number")
            }
            while index < end, ASCII.isDigit(bytes[index]) { index += 1 }
        }
        if index < end, bytes[index] == ASCII.lowerE || bytes[index] == ASCII.upperE {
            isInteger = false
            index += 1
            if index < end, bytes[index] == ASCII.plus || bytes[index] == ASCII.minus { index += 1 }
            guard index < end, ASCII.isDigit(bytes[index]) else {
                throw failure("expected a digit in the exponent of a number")
            }
            while index < end, ASCII.isDigit(bytes[index]) { index += 1 }
        }
        if isInteger, let value = integerValue(from: negative ? start + 1 : start, negative: negative) {
            return .integer(value)
        }
        // The grammar was checked above, so Swift's correctly rounding parser cannot
        // meet anything it would read differently (no "inf", "nan" or hex here).
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw failure("expected a number within the range of a 64-bit double", at: start)
        }
        return .double(value)
    }

    /// Accumulates negatively so that Int64.min, whose magnitude has no positive Int64,
    /// still reads as an integer; nil on overflow, which makes the number a double.
    func integerValue(from digitsStart: Int, negative: Bool) -> Int64? {
        var value: Int64 = 0
        var position = digitsStart
        while position < index {
            let digit = Int64(bytes[position] &- ASCII.zero)
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = next
            position += 1
        }
        if negative { return value }
        let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }
}

/// Compact JSON output that says back exactly what was read: keys in their order, integers
/// without a fraction and doubles always with one (or an exponent), so that a row written
/// here is typed the same way by Openlayer as the row that was dropped.
///
/// It appends to a caller's buffer so that batches of thousands of rows are built in one
/// growing array instead of one allocation per row.
public enum JSONWriter {
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var buffer: [UInt8] = []
        append(value, to: &buffer)
        return buffer
    }

    public static func append(_ value: JSONValue, to buffer: inout [UInt8]) {
        switch value {
        case .null:
            appendASCII("null", to: &buffer)
        case .bool(let flag):
            appendASCII(flag ? "true" : "false", to: &buffer)
        case .integer(let number):
            appendInteger(number, to: &buffer)
        case .double(let number):
            appendDouble(number, to: &buffer)
        case .string(let text):
            appendString(text, to: &buffer)
        case .array(let items):
            buffer.append(ASCII.openBracket)
            for (offset, item) in items.enumerated() {
                if offset > 0 { buffer.append(ASCII.comma) }
                append(item, to: &buffer)
            }
            buffer.append(ASCII.closeBracket)
        case .object(let object):
            buffer.append(ASCII.openBrace)
            for (offset, field) in object.fields.enumerated() {
                if offset > 0 { buffer.append(ASCII.comma) }
                appendString(field.key, to: &buffer)
                buffer.append(ASCII.colon)
                append(field.value, to: &buffer)
            }
            buffer.append(ASCII.closeBrace)
        }
    }

    /// Writes a JSON string literal. Only what RFC 8259 requires is escaped; everything else,
    /// '/' and non-ASCII included, goes out as raw UTF-8, which is shorter and still valid.
    public static func appendString(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendString(utf8: $0, to: &buffer) }
    }

    /// Writes a JSON string literal of text that is already valid UTF-8, escaping in one pass.
    public static func appendString(utf8: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        buffer.append(ASCII.quote)
        var runStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            if byte >= 0x20, byte != ASCII.quote, byte != ASCII.backslash {
                index += 1
                continue
            }
            if runStart < index {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            }
            appendEscape(for: byte, to: &buffer)
            index += 1
            runStart = index
        }
        if runStart < count {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
        }
        buffer.append(ASCII.quote)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendEscape(for byte: UInt8, to buffer: inout [UInt8]) {
        buffer.append(ASCII.backslash)
        switch byte {
        case ASCII.quote, ASCII.backslash: buffer.append(byte)
        case ASCII.lineFeed: buffer.append(0x6E)  // n
        case ASCII.carriageReturn: buffer.append(0x72)  // r
        case ASCII.tab: buffer.append(0x74)  // t
        case 0x08: buffer.append(0x62)  // b
        case 0x0C: buffer.append(0x66)  // f
        default:
            buffer.append(contentsOf: [0x75, ASCII.zero, ASCII.zero])  // u00
            buffer.append(hexDigits[Int(byte >> 4)])
            buffer.append(hexDigits[Int(byte & 0x0F)])
        }
    }

    private static func appendASCII(_ text: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Digits by hand: `String(describing:)` would allocate for every integer of every row.
    public static func appendInteger(_ number: Int64, to buffer: inout [UInt8]) {
        withDecimalText(of: number) { buffer.append(contentsOf: $0) }
    }

    /// Calls `body` with `number` in decimal, its sign included, written on the stack.
    public static func withDecimalText(of number: Int64, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var magnitude = number.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes ≥ a sign and 19 digits
        withUnsafeMutableBytes(of: &digits) { storage in
            var position = storage.count
            repeat {
                position -= 1
                storage[position] = ASCII.zero + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 {
                position -= 1
                storage[position] = ASCII.minus
            }
            body(UnsafeBufferPointer(rebasing: storage.bindMemory(to: UInt8.self)[position...]))
        }
    }

    /// Swift's `description` is the shortest text that reads back as the same double, and
    /// its forms ("1.0", "1e-05", "1.5e+20", "-0.0") are all valid JSON numbers. NaN and the
    /// infinities have no JSON form; `null` is what every other JSON writer emits for them.
    /// The ".0" fallback never fires with today's `description`; it guards the one property
    /// the schema depends on (a double never reads back as an integer) against a change there.
    private static func appendDouble(_ number: Double, to buffer: inout [UInt8]) {
        guard number.isFinite else {
            appendASCII("null", to: &buffer)
            return
        }
        var text = number.description
        text.withUTF8 { utf8 in
            buffer.append(contentsOf: utf8)
            if !utf8.contains(ASCII.period), !utf8.contains(ASCII.lowerE), !utf8.contains(ASCII.upperE) {
                buffer.append(contentsOf: [ASCII.period, ASCII.zero])
            }
        }
    }
}

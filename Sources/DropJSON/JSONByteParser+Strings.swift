/// String parsing, kept apart from the structural grammar because it carries most of the
/// subtlety: escapes, surrogate pairs and UTF-8 validation, each with its own error.
extension JSONByteParser {
    /// Parses a string starting at its opening quote. The common case, a string without
    /// escapes, is validated in place and copied once; only strings with escapes go through
    /// the scratch buffer.
    mutating func parseString() throws(JSONParseFailure) -> String {
        let openingQuote = index
        index += 1
        let start = index
        while index < end {
            let byte = bytes[index]
            if byte == ASCII.quote {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            } else if byte == ASCII.backslash {
                break
            } else if byte < 0x20 {
                throw controlCharacterFailure()
            } else if byte < 0x80 {
                index += 1
            } else {
                try skipUTF8Sequence()
            }
        }
        guard index < end else { throw unterminatedFailure(openingQuote) }

        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < end {
            let byte = bytes[index]
            if byte == ASCII.quote {
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == ASCII.backslash {
                try appendEscape()
            } else if byte < 0x20 {
                throw controlCharacterFailure()
            } else {
                let runStart = index
                if byte < 0x80 { index += 1 } else { try skipUTF8Sequence() }
                while index < end {
                    let next = bytes[index]
                    if next == ASCII.quote || next == ASCII.backslash || next < 0x20 { break }
                    if next < 0x80 { index += 1 } else { try skipUTF8Sequence() }
                }
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            }
        }
        throw unterminatedFailure(openingQuote)
    }

    func controlCharacterFailure() -> JSONParseFailure {
        failure("expected control characters (U+0000 to U+001F) in a string to be escaped, e.g. as \\n or \\u0001")
    }

    func unterminatedFailure(_ openingQuote: Int) -> JSONParseFailure {
        failure("expected a closing '\"' for the string started at byte \(openingQuote + 1)")
    }

    /// Advances over one well-formed UTF-8 sequence (Unicode Table 3-7: no overlong forms,
    /// no surrogates, nothing above U+10FFFF), failing at the first byte that breaks it.
    @inline(__always)
    mutating func skipUTF8Sequence() throws(JSONParseFailure) {
        guard let lead = UTF8Lead(bytes[index]) else { throw failure("expected valid UTF-8 in a string") }
        let length = lead.length
        var low = lead.secondByte.lowerBound
        var high = lead.secondByte.upperBound
        var position = index + 1
        let sequenceEnd = index + length
        while position < sequenceEnd {
            guard position < end else { throw failure("expected valid UTF-8 in a string", at: position) }
            let byte = bytes[position]
            guard byte >= low, byte <= high else { throw failure("expected valid UTF-8 in a string", at: position) }
            low = 0x80
            high = 0xBF
            position += 1
        }
        index = sequenceEnd
    }

    /// Decodes one escape (the index is on the backslash) into `scratch`.
    mutating func appendEscape() throws(JSONParseFailure) {
        index += 1
        guard index < end else { throw failure("expected an escape character after '\\'") }
        let escaped = bytes[index]
        let decoded: UInt8
        switch escaped {
        case ASCII.quote, ASCII.backslash, ASCII.slash: decoded = escaped
        case 0x62: decoded = 0x08  // b
        case 0x66: decoded = 0x0C  // f
        case 0x6E: decoded = ASCII.lineFeed  // n
        case 0x72: decoded = ASCII.carriageReturn  // r
        case 0x74: decoded = ASCII.tab  // t
        case 0x75:  // u
            try appendUnicodeEscape()
            return
        default:
            throw failure("expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX after '\\'")
        }
        scratch.append(decoded)
        index += 1
    }

    /// Decodes `\uXXXX` (the index is on the `u`), joining a UTF-16 surrogate pair into one
    /// scalar. A lone surrogate is rejected: it is no character, and String would quietly
    /// turn it into U+FFFD, changing the row without a word.
    mutating func appendUnicodeEscape() throws(JSONParseFailure) {
        index += 1
        let first = try readHexQuad()
        var scalar = UInt32(first)
        if first >= 0xD800, first <= 0xDBFF {
            guard index + 1 < end, bytes[index] == ASCII.backslash, bytes[index + 1] == 0x75 else {
                throw failure("expected a low surrogate escape (\\uDC00 to \\uDFFF) after a high surrogate")
            }
            let secondStart = index
            index += 2
            let second = try readHexQuad()
            guard second >= 0xDC00, second <= 0xDFFF else {
                throw failure("expected a low surrogate escape (\\uDC00 to \\uDFFF) after a high surrogate", at: secondStart)
            }
            scalar = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
        } else if first >= 0xDC00, first <= 0xDFFF {
            throw failure("expected a high surrogate escape (\\uD800 to \\uDBFF) before a low surrogate", at: index - 6)
        }
        appendUTF8(scalar)
    }

    mutating func readHexQuad() throws(JSONParseFailure) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard index < end else { throw failure("expected four hex digits after \\u") }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case ASCII.zero...ASCII.nine: digit = byte - ASCII.zero
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw failure("expected four hex digits after \\u")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

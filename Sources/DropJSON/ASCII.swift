/// Byte values the readers and the parser compare against. Named constants keep the
/// byte-level loops readable without paying for `Character` or `UInt8(ascii:)` at each use.
///
/// Public and inlinable because DropFormats' CSV and JSONL readers compare against these in
/// their innermost loops: from another module a stored constant is a call per use, an
/// inlinable one is folded into the comparison as it was when they shared a module.
public enum ASCII {
    @inlinable public static var tab: UInt8 { 0x09 }
    @inlinable public static var lineFeed: UInt8 { 0x0A }
    @inlinable public static var carriageReturn: UInt8 { 0x0D }
    @inlinable public static var space: UInt8 { 0x20 }
    @inlinable public static var quote: UInt8 { 0x22 }
    @inlinable public static var comma: UInt8 { 0x2C }
    @inlinable public static var minus: UInt8 { 0x2D }
    @inlinable public static var plus: UInt8 { 0x2B }
    @inlinable public static var period: UInt8 { 0x2E }
    @inlinable public static var slash: UInt8 { 0x2F }
    @inlinable public static var zero: UInt8 { 0x30 }
    @inlinable public static var nine: UInt8 { 0x39 }
    @inlinable public static var colon: UInt8 { 0x3A }
    @inlinable public static var backslash: UInt8 { 0x5C }
    @inlinable public static var openBracket: UInt8 { 0x5B }
    @inlinable public static var closeBracket: UInt8 { 0x5D }
    @inlinable public static var openBrace: UInt8 { 0x7B }
    @inlinable public static var closeBrace: UInt8 { 0x7D }
    @inlinable public static var lowerE: UInt8 { 0x65 }
    @inlinable public static var upperE: UInt8 { 0x45 }

    /// The UTF-8 byte order mark some Windows tools put at the start of text files.
    @inlinable public static var byteOrderMark: (UInt8, UInt8, UInt8) { (0xEF, 0xBB, 0xBF) }

    @inlinable @inline(__always)
    public static func isDigit(_ byte: UInt8) -> Bool { byte &- zero <= 9 }

    /// JSON's whitespace (RFC 8259 §2), which is also what makes a JSONL line "blank".
    @inlinable @inline(__always)
    public static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == lineFeed || byte == carriageReturn || byte == tab
    }
}

/// What a UTF-8 lead byte allows after it, per Unicode's table of well-formed sequences
/// (Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF): the sequence's length
/// and the range of its second byte (the others are 0x80...0xBF). Shared by the JSON parser and
/// the CSV fast path, so that both accept exactly the same text.
public struct UTF8Lead: Sendable {
    public let length: Int
    public let secondByte: ClosedRange<UInt8>

    /// nil for a byte that cannot start a sequence of two or more bytes.
    @inline(__always)
    public init?(_ lead: UInt8) {
        switch lead {
        case 0xC2...0xDF: (length, secondByte) = (2, 0x80...0xBF)
        case 0xE0: (length, secondByte) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, secondByte) = (3, 0x80...0xBF)
        case 0xED: (length, secondByte) = (3, 0x80...0x9F)
        case 0xF0: (length, secondByte) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, secondByte) = (4, 0x80...0xBF)
        case 0xF4: (length, secondByte) = (4, 0x80...0x8F)
        default: return nil
        }
    }
}

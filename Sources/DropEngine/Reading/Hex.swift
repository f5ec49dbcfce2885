/// Hexadecimal digits: lowercase as digests and generated ids are written, either case in a
/// JSON `\u` escape.
enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The lowercase digit of a value below 16, computed: a global array costs a lazy-init
    /// check at every use, 32 times per generated id.
    @inline(__always)
    static func digit(_ value: UInt8) -> UInt8 {
        value &+ (value < 10 ? UInt8(ascii: "0") : UInt8(ascii: "a") &- 10)
    }

    /// The value of one hex digit, or nil; `A`–`F` count only when `uppercase` is allowed.
    static func value(of byte: UInt8, uppercase: Bool = false) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where uppercase: byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}

import Foundation

/// UTC times written by hand: ISO 8601 with milliseconds (`2026-11-30T19:48:58.766Z`) for the
/// journal, receipts and reports, and the archive's dated folders. Foundation's formatters and
/// calendars cost tens of microseconds a call, and a small file needs several.
enum UTCTime {
    struct Parts {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int
        var second: Int
        var millisecond: Int
    }

    static func parts(_ date: Date) -> Parts {
        // The fraction truncated to milliseconds, as Foundation's ISO 8601 format writes it.
        let whole = date.timeIntervalSince1970.rounded(.down)
        var seconds = time_t(whole)
        let millisecond = min(999, Int((date.timeIntervalSince1970 - whole) * 1000))
        var fields = tm()
        gmtime_r(&seconds, &fields)
        return Parts(
            year: Int(fields.tm_year) + 1900, month: Int(fields.tm_mon) + 1, day: Int(fields.tm_mday),
            hour: Int(fields.tm_hour), minute: Int(fields.tm_min), second: Int(fields.tm_sec), millisecond: millisecond)
    }

    static func iso8601(_ date: Date) -> String {
        let parts = parts(date)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        append(parts.year, digits: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        append(parts.month, digits: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        append(parts.day, digits: 2, to: &text)
        text.append(UInt8(ascii: "T"))
        append(parts.hour, digits: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        append(parts.minute, digits: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        append(parts.second, digits: 2, to: &text)
        text.append(UInt8(ascii: "."))
        append(parts.millisecond, digits: 3, to: &text)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// `value` in decimal, zero-padded to `digits`.
    static func append(_ value: Int, digits: Int, to text: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            text.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Wall-clock times as the sandbox stores and shows them.
///
/// Stored as integer milliseconds since the Unix epoch: tests of retry timing compare the gaps
/// between data requests, which second precision would hide. Shown as ISO 8601 UTC with
/// milliseconds, the form of Openlayer's `dateCreated` fields.
enum Timestamp {
    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    /// Formats whole seconds with Foundation and appends the milliseconds from the integer
    /// itself: going through a `Double` fraction would show 567 ms as `.566`.
    static func iso8601(milliseconds: Int64) -> String {
        let (seconds, millis) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let (wholeSeconds, fraction) = millis < 0 ? (seconds - 1, millis + 1000) : (seconds, millis)
        let date = Date(timeIntervalSince1970: Double(wholeSeconds))
        let text = date.formatted(Date.ISO8601FormatStyle())  // "2024-05-01T12:00:00Z"
        let digits = String(fraction)
        return text.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}

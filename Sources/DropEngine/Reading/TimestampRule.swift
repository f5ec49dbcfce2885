/// Which timestamps a row may carry. Openlayer takes UNIX seconds of any date — backfills of
/// old predictions are normal — so by default only a number too large to be seconds is refused:
/// that is almost always milliseconds (or micro-, nanoseconds), which would land in a far future.
/// `timestampWindowDays` narrows it to a window around now, for those who want that check.
public struct TimestampRule: Sendable, Equatable {
    /// 99,999,999,999 seconds is in the year 5138; a millisecond timestamp of 1973 or later is larger.
    static let largestSeconds: Int64 = 99_999_999_999

    /// UNIX seconds accepted, when a window is set.
    public let window: ClosedRange<Int64>?
    public let windowDays: Int?

    /// - Parameters:
    ///   - windowDays: how many days either side of `now` a timestamp may be; nil for any date.
    ///   - now: UNIX seconds; fixed once per file so that every pass over it agrees.
    public init(windowDays: Int? = nil, now: Int64) {
        self.windowDays = windowDays
        window = windowDays.map { days in (now - Int64(days) * 86_400)...(now + Int64(days) * 86_400) }
    }

    /// Any date in UNIX seconds.
    public static let anyDate = TimestampRule(windowDays: nil, now: 0)

    struct Violation {
        var kind: IssueKind
        var expected: String
        var hint: String
    }

    func violation(_ seconds: Int64) -> Violation? {
        let magnitude = seconds.magnitude
        if magnitude > UInt64(Self.largestSeconds) {
            let unit = magnitude > 99_999_999_999_999_999 ? ("nanoseconds", "1,000,000,000")
                : magnitude > 99_999_999_999_999 ? ("microseconds", "1,000,000") : ("milliseconds", "1000")
            return Violation(
                kind: .timestampMilliseconds, expected: "a timestamp in UNIX seconds, like 1764115200",
                hint: "this looks like \(unit.0): divide by \(unit.1)")
        }
        if let window, !window.contains(seconds), let windowDays {
            return Violation(
                kind: .timestampWindow, expected: "a timestamp in UNIX seconds within \(windowDays) day\(windowDays == 1 ? "" : "s") of now (timestampWindowDays)",
                hint: "UNIX seconds count from 1970-01-01 UTC; raise or remove timestampWindowDays to publish older rows")
        }
        return nil
    }
}

import Foundation

/// What to do after a failed call, decided from the answer alone (no I/O, no clock but the
/// one passed in), so that the rules can be tested exhaustively.
///
/// The rules: a transient fault delays, it never drops. 408, 409, 429, 5xx, transport errors
/// and unexpected 2xx bodies are retried without limit; `x-should-retry` overrides the status.
/// 401 and 403 mean the key is refused: the caller pauses and tries again later, because a
/// wrong key is an operator's problem, never the data's. Any other 4xx refuses this request's
/// content for good.
public struct RetryPolicy: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        /// The key was refused: wait `after`, then try the same request again.
        case pause(after: Duration)
        /// The server refused this content; retrying cannot help.
        case reject
    }

    /// The first backoff step; each attempt doubles it, up to `maximumBackoff`.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// A server may ask for a long wait; it is honored up to this.
    public var maximumServerDelay: Duration
    /// How often a refused key is tried again.
    public var authRetryInterval: Duration
    /// During a wait longer than this, whether the API answers again is asked this often, with
    /// a cheap call, and the wait ends when it does: after a long outage publishing resumes
    /// within this of the API's return, not up to `maximumBackoff` later.
    public var probeInterval: Duration

    public init(
        initialBackoff: Duration = .milliseconds(500), maximumBackoff: Duration = .seconds(60),
        maximumServerDelay: Duration = .seconds(3600), authRetryInterval: Duration = .seconds(30), probeInterval: Duration = .seconds(3)
    ) {
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.maximumServerDelay = maximumServerDelay
        self.authRetryInterval = authRetryInterval
        self.probeInterval = probeInterval
    }

    /// - Parameters:
    ///   - attempt: how many attempts of this request failed before this one (0 for the first).
    ///   - now: for `Retry-After` given as an HTTP date.
    public func decide(
        _ error: OpenlayerError, attempt: Int, now: Date = Date(),
        random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) -> Decision {
        if let status = error.statusCode, status == 401 || status == 403 {
            return .pause(after: authRetryInterval)
        }
        switch error.retryHeaders["x-should-retry"]?.lowercased() {
        case "false"?: return .reject
        case "true"?: return .retry(after: delay(error, attempt: attempt, now: now, random: random))
        default: break
        }
        switch error.kind {
        case .transport, .unexpectedResponse:
            return .retry(after: delay(error, attempt: attempt, now: now, random: random))
        case .status(let status):
            if status == 408 || status == 409 || status == 429 || status >= 500 || status < 400 {
                return .retry(after: delay(error, attempt: attempt, now: now, random: random))
            }
            return .reject
        }
    }

    /// The server's own delay when it gives one, else capped exponential backoff with full
    /// jitter: a random wait between 0 and `min(maximum, initial × 2^attempt)`, which spreads
    /// the retries of many clients instead of synchronizing them.
    func delay(_ error: OpenlayerError, attempt: Int, now: Date, random: (ClosedRange<Double>) -> Double) -> Duration {
        if let server = Self.serverDelay(error.retryHeaders, now: now), server > .zero {
            return min(server, maximumServerDelay)
        }
        let ceiling = min(maximumBackoff, initialBackoff * Int(pow(2.0, Double(min(attempt, 30)))))
        let seconds = Double(ceiling.components.seconds) + Double(ceiling.components.attoseconds) / 1e18
        return .milliseconds(Int64((random(0...seconds) * 1000).rounded()))
    }

    /// `retry-after-ms` (milliseconds), else `retry-after` (seconds, or an HTTP date).
    public static func serverDelay(_ headers: [String: String], now: Date) -> Duration? {
        if let text = headers["retry-after-ms"], let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)), milliseconds.isFinite {
            return .milliseconds(Int64(max(0, milliseconds)))
        }
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text), seconds.isFinite {
            return .milliseconds(Int64(max(0, seconds) * 1000))
        }
        guard let date = httpDate(text) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }

    /// RFC 9110's preferred form, `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

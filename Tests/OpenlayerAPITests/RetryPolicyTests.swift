import Foundation
import OpenlayerAPI
import Testing

@Suite("When and how long to retry")
struct RetryPolicyTests {
    let policy = RetryPolicy(initialBackoff: .milliseconds(500), maximumBackoff: .seconds(8), authRetryInterval: .seconds(30))

    func status(_ code: Int, _ headers: [String: String] = [:]) -> OpenlayerError {
        OpenlayerError(kind: .status(code), call: "POST /x", message: "m", retryHeaders: headers)
    }

    /// The largest wait full jitter can pick: `random` returns the top of its range.
    func ceiling(_ error: OpenlayerError, attempt: Int) -> RetryPolicy.Decision {
        policy.decide(error, attempt: attempt, random: { $0.upperBound })
    }

    @Test("Transient statuses and transport errors are retried", arguments: [408, 409, 429, 500, 502, 503, 504])
    func transient(_ code: Int) {
        #expect(ceiling(status(code), attempt: 0) == .retry(after: .milliseconds(500)))
    }

    @Test func transportAndOddAnswersAreRetried() {
        #expect(ceiling(OpenlayerError(kind: .transport, call: "c", message: "reset"), attempt: 1) == .retry(after: .seconds(1)))
        #expect(ceiling(OpenlayerError(kind: .unexpectedResponse, call: "c", message: "html"), attempt: 0) == .retry(after: .milliseconds(500)))
    }

    @Test("Other client errors refuse the content", arguments: [400, 404, 413, 422])
    func permanent(_ code: Int) {
        #expect(ceiling(status(code), attempt: 0) == .reject)
    }

    @Test("A refused key pauses, whatever the headers say", arguments: [401, 403])
    func auth(_ code: Int) {
        #expect(ceiling(status(code), attempt: 5) == .pause(after: .seconds(30)))
        #expect(ceiling(status(code, ["x-should-retry": "false"]), attempt: 0) == .pause(after: .seconds(30)))
    }

    @Test func backoffDoublesUpToTheCapWithFullJitter() {
        let waits = (0..<7).map { ceiling(status(503), attempt: $0) }
        #expect(waits == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)].map { .retry(after: $0) })
        #expect(policy.decide(status(503), attempt: 3, random: { $0.lowerBound }) == .retry(after: .zero))
        let drawn = (0..<200).map { _ in policy.decide(status(503), attempt: 2) }
        #expect(drawn.allSatisfy { if case .retry(let wait) = $0 { wait >= .zero && wait <= .seconds(2) } else { false } })
        #expect(Set(drawn.map { "\($0)" }).count > 10)
    }

    @Test func serverDelaysAreHonored() {
        #expect(ceiling(status(429, ["retry-after": "2"]), attempt: 0) == .retry(after: .seconds(2)))
        #expect(ceiling(status(503, ["retry-after-ms": "1500", "retry-after": "9"]), attempt: 0) == .retry(after: .milliseconds(1500)))
        let now = Date(timeIntervalSince1970: 1_795_651_200)
        let decision = policy.decide(status(503, ["retry-after": "Thu, 26 Nov 2026 00:00:05 GMT"]), attempt: 0, now: now, random: { $0.upperBound })
        #expect(decision == .retry(after: .seconds(5)))
        // A delay beyond the longest wait honored is cut to it.
        #expect(RetryPolicy(maximumServerDelay: .seconds(60)).decide(status(429, ["retry-after": "86400"]), attempt: 0) == .retry(after: .seconds(60)))
        // Unparseable values fall back to backoff.
        #expect(ceiling(status(429, ["retry-after": "soon"]), attempt: 0) == .retry(after: .milliseconds(500)))
    }

    @Test func shouldRetryHeaderOverridesTheStatus() {
        #expect(ceiling(status(400, ["x-should-retry": "true"]), attempt: 0) == .retry(after: .milliseconds(500)))
        #expect(ceiling(status(503, ["x-should-retry": "false"]), attempt: 0) == .reject)
    }
}

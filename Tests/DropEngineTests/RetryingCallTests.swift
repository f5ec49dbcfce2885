@testable import DropEngine
import Foundation
import Logging
import OpenlayerAPI
import Synchronization
import Testing

/// The one retry loop, driven by calls that fail as Openlayer's API can: no server, no sleeping
/// beyond the policy's milliseconds.
@Suite("Retrying a call to Openlayer")
struct RetryingCallTests {
    static let quick = RetryPolicy(
        initialBackoff: .milliseconds(1), maximumBackoff: .milliseconds(4), authRetryInterval: .milliseconds(2), probeInterval: .seconds(3))

    static func failure(_ status: Int, headers: [String: String] = [:]) -> OpenlayerError {
        OpenlayerError(kind: .status(status), call: "POST /data-stream", message: "status \(status)", retryHeaders: headers)
    }

    /// A call that fails with `failures`, in order, then returns its attempt count.
    final class Script: Sendable {
        let failures: [OpenlayerError]
        let attempts = Mutex(0)
        init(_ failures: [OpenlayerError]) { self.failures = failures }

        func call() throws(OpenlayerError) -> Int {
            let attempt = attempts.withLock { count in
                count += 1
                return count
            }
            if attempt <= failures.count { throw failures[attempt - 1] }
            return attempt
        }
    }

    static func retrying() -> (RetryingCall, PipelineHealth) {
        let health = PipelineHealth(logger: Logger(label: "test"))
        return (RetryingCall(policy: quick, health: health), health)
    }

    @Test("Transient failures, a refused key and a server's own delay are waited out; the call then succeeds and health recovers")
    func transientFailuresAreWaitedOut() async {
        let (retrying, health) = Self.retrying()
        let script = Script([
            Self.failure(503), Self.failure(429, headers: ["retry-after-ms": "3"]), Self.failure(401), OpenlayerError(kind: .transport, call: "POST", message: "reset"),
        ])
        guard case .succeeded(let attempts) = await retrying.run({ () throws(OpenlayerError) in try script.call() }) else {
            Issue.record("did not succeed"); return
        }
        #expect(attempts == 5)
        #expect(await health.state == .healthy)
    }

    @Test("A refusal ends the loop with the server's message, unless the call must succeed: then it is tried again slowly")
    func refusals() async {
        let (retrying, _) = Self.retrying()
        let refused = Script([Self.failure(400), Self.failure(404)])
        guard case .refused(let message) = await retrying.run({ () throws(OpenlayerError) in try refused.call() }) else {
            Issue.record("not refused"); return
        }
        #expect(message.contains("answered 400"))
        #expect(refused.attempts.withLock { $0 } == 1)

        let bind = Script([Self.failure(404), Self.failure(404)])
        guard case .succeeded = await retrying.run(onRefusal: .retrySlowly, { () throws(OpenlayerError) in try bind.call() }) else {
            Issue.record("binding gave up"); return
        }
        #expect(bind.attempts.withLock { $0 } == 3)
    }

    @Test("A cancelled task abandons the call at its next wait; nothing is reported as done")
    func cancellationAbandons() async {
        let (retrying, _) = Self.retrying()
        let script = Script(Array(repeating: Self.failure(503), count: 1000))
        let task = Task { await retrying.run({ () throws(OpenlayerError) in try script.call() }) }
        try? await Task.sleep(for: .milliseconds(20))
        task.cancel()
        guard case .abandoned = await task.value else { Issue.record("not abandoned"); return }
        #expect(script.attempts.withLock { $0 } < 1000)
    }
}

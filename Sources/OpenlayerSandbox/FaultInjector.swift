import Hummingbird
import Synchronization

/// The fault state of a running sandbox, shared by the fault routes and the middlewares that
/// inject the faults.
///
/// In memory rather than in SQLite: faults belong to a test run, not to the data, and a
/// database file kept across restarts must not come back failing. Behind a `Mutex` because
/// deciding a request's fault and taking it off its count must be one step: two concurrent
/// requests must never both take the last scheduled failure.
final class FaultInjector: Sendable {
    private let state: Mutex<SandboxFaults>

    init(_ faults: SandboxFaults) {
        state = Mutex(faults)
    }

    /// The faults in force, with the counts that remain.
    var current: SandboxFaults {
        state.withLock { $0 }
    }

    /// Replaces every fault at once (`PUT` and `DELETE /v1/sandbox/faults`).
    func replace(with faults: SandboxFaults) {
        state.withLock { $0 = faults }
    }

    /// The 401 to answer while `unauthorized` is set, else `nil`.
    var unauthorizedError: SandboxError? {
        state.withLock { $0.unauthorized ? Self.unauthorizedError($0) : nil }
    }

    /// Decides the fate of a data request that just arrived, taking it off `dropNext` or else
    /// `failNext`. `unauthorized` comes first and takes nothing off: a refused key says nothing
    /// about the service's health, so the failures a test scheduled still await the first
    /// request that gets past the key.
    func takeDataFault() -> DataFault {
        state.withLock { faults in
            let latency = Duration.milliseconds(faults.latencyMs)
            if faults.unauthorized {
                return DataFault(outcome: .answer(Self.unauthorizedError(faults)), latency: latency)
            }
            if faults.dropNext > 0 {
                faults.dropNext -= 1
                return DataFault(outcome: .drop, latency: latency)
            }
            if faults.failNext > 0 {
                faults.failNext -= 1
                return DataFault(outcome: .answer(Self.failure(faults)), latency: latency)
            }
            return DataFault(outcome: .handle, latency: latency)
        }
    }

    private static func unauthorizedError(_ faults: SandboxFaults) -> SandboxError {
        SandboxError(.unauthorized, faults.message ?? "Invalid API key (sandbox fault: unauthorized).")
    }

    /// An injected failure with the retry hints a test asked for; `faults.failNext` is what
    /// remains after this one, said in the default message to ease reading a client's log.
    private static func failure(_ faults: SandboxFaults) -> SandboxError {
        var headers: HTTPFields = [:]
        if let retryAfter = faults.retryAfter { headers[.retryAfter] = retryAfter }
        if let milliseconds = faults.retryAfterMs { headers[.retryAfterMs] = String(milliseconds) }
        if let shouldRetry = faults.shouldRetry { headers[.xShouldRetry] = shouldRetry ? "true" : "false" }
        let message =
            faults.message ?? "Sandbox fault: this data request failed on purpose (\(faults.failNext) more to fail)."
        return SandboxError(HTTPResponse.Status(code: faults.status), message, headers: headers)
    }
}

/// `HTTPFields.Element` is `HTTPField`, which Hummingbird does not re-export.
extension HTTPFields.Element.Name {
    /// The retry hints of Stainless-generated SDKs (OpenAI's, Anthropic's, Openlayer's current ones):
    /// a delay in milliseconds, read before `Retry-After`, and a yes/no that overrides the
    /// SDK's own decision to retry.
    static let retryAfterMs = Self("retry-after-ms")!
    static let xShouldRetry = Self("x-should-retry")!
}

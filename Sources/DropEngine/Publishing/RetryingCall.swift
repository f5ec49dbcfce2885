import OpenlayerAPI
import ServiceLifecycle

/// The one retry loop of the service: a call to Openlayer is made until it succeeds, is refused,
/// or shutdown comes. `RetryPolicy` decides each wait from the answer; `PipelineHealth` hears
/// of every failure and of the recovery. Sending a batch (`BatchDelivery`) and binding a
/// pipeline at the start both go through it.
public struct RetryingCall: Sendable {
    public let policy: RetryPolicy
    public let health: PipelineHealth
    /// A cheap call that succeeds once the API answers again (see `RetryPolicy.probeInterval`).
    public var probe: (@Sendable () async -> Bool)?

    public init(policy: RetryPolicy, health: PipelineHealth, probe: (@Sendable () async -> Bool)? = nil) {
        self.policy = policy
        self.health = health
        self.probe = probe
    }

    /// What a refusal (a 4xx other than 401/403) does.
    public enum OnRefusal: Sendable {
        /// Ends the loop: the refusal is the outcome.
        case stop
        /// Waits the longest backoff and tries again: for a call that must succeed before
        /// anything else can happen (binding a pipeline), which a fix on Openlayer's side may
        /// make succeed later.
        case retrySlowly
    }

    public enum Outcome<Value: Sendable>: Sendable {
        case succeeded(Value)
        /// The server's message.
        case refused(String)
        /// Shutdown came first.
        case abandoned
    }

    public func run<Value: Sendable>(
        onRefusal: OnRefusal = .stop, _ operation: @Sendable () async throws(OpenlayerError) -> Value
    ) async -> Outcome<Value> {
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let failure: OpenlayerError
            do {
                let value = try await operation()
                await health.succeeded()
                return .succeeded(value)
            } catch {
                failure = error
            }
            let wait: Duration
            var mayProbe = false
            switch policy.decide(failure, attempt: attempt) {
            case .reject:
                guard onRefusal == .retrySlowly else {
                    await health.succeeded()
                    return .refused(failure.description)
                }
                wait = policy.maximumBackoff
                await health.failed(.retrying(reason: failure.description), retryIn: wait)
            case .retry(let delay):
                wait = delay
                mayProbe = true
                await health.failed(.retrying(reason: failure.description), retryIn: delay)
            case .pause(let delay):
                wait = delay
                await health.failed(.paused(reason: failure.description), retryIn: delay)
            }
            attempt += 1
            health.metrics?.retrying(after: failure)
            // A shutdown cuts the wait short: the work is left for the next start.
            do {
                let probing = mayProbe ? probe : nil
                try await cancelWhenGracefulShutdown { try await waitOut(wait, probing: probing) }
            } catch {
                return .abandoned
            }
        }
        return .abandoned
    }

    /// Sleeps `wait`, or less when `probe` (asked every `probeInterval`) says the API is back.
    private func waitOut(_ wait: Duration, probing probe: (@Sendable () async -> Bool)?) async throws {
        guard let probe, wait > policy.probeInterval else { return try await Task.sleep(for: wait) }
        var remaining = wait
        while remaining > .zero {
            let step = min(remaining, policy.probeInterval)
            try await Task.sleep(for: step)
            remaining -= step
            if remaining > .zero, await probe() { return }
        }
    }
}

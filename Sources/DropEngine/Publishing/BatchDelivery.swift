import OpenlayerAPI
import ServiceLifecycle

/// Carries out one call until the server settles its fate: acknowledged, or refused for good.
/// Transient failures are waited out (see `RetryPolicy`); they never drop anything.
struct BatchDelivery: Sendable {
    enum Outcome: Sendable, Equatable {
        case acknowledged
        /// A 4xx other than 401/403: the server's message, for the rejected rows.
        case refused(String)
        /// Shutdown came first. Nothing is acknowledged; it is done again later.
        case abandoned
    }

    let policy: RetryPolicy
    let health: PipelineHealth
    let send: @Sendable (DataStreamBatch) async throws(OpenlayerError) -> Void
    /// A cheap call that succeeds once the API answers again (see `RetryPolicy.probeInterval`).
    var probe: (@Sendable () async -> Bool)?

    func deliver(_ batch: DataStreamBatch) async -> Outcome {
        let send = self.send
        return await attempt { () throws(OpenlayerError) in try await send(batch) }
    }

    /// Runs `operation` until it succeeds, is refused, or shutdown comes.
    func attempt(_ operation: @Sendable () async throws(OpenlayerError) -> Void) async -> Outcome {
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let failure: OpenlayerError
            do {
                try await operation()
                await health.succeeded()
                return .acknowledged
            } catch {
                failure = error
            }
            let wait: Duration
            var mayProbe = false
            switch policy.decide(failure, attempt: attempt) {
            case .reject:
                await health.succeeded()
                return .refused(failure.description)
            case .retry(let delay):
                wait = delay
                mayProbe = true
                await health.failed(.retrying(reason: failure.description), retryIn: delay)
            case .pause(let delay):
                wait = delay
                await health.failed(.paused(reason: failure.description), retryIn: delay)
            }
            attempt += 1
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

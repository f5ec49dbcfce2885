import Logging

/// Whether a pipeline's requests are getting through, said once per change.
///
/// A retry loop that logged every attempt would bury the one line that matters during an
/// outage; this logs the moment things go wrong (with the reason), when the reason changes,
/// and when they come right again.
public actor PipelineHealth {
    public enum State: Sendable, Equatable {
        case healthy
        /// Transient failures; requests are retried with backoff.
        case retrying(reason: String)
        /// The API key is refused; requests are tried again every so often.
        case paused(reason: String)
    }

    public private(set) var state: State = .healthy
    /// When the next attempt is due, while retrying or paused.
    public private(set) var nextAttempt: ContinuousClock.Instant?
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func succeeded() {
        nextAttempt = nil
        guard state != .healthy else { return }
        switch state {
        case .paused: logger.notice("the API key is accepted again; publishing resumes")
        default: logger.notice("the API answers again; publishing resumes")
        }
        state = .healthy
    }

    public func failed(_ newState: State, retryIn delay: Duration) {
        nextAttempt = .now + delay
        guard newState != state else { return }
        state = newState
        switch newState {
        case .paused(let reason):
            logger.error("the API key is refused; publishing is paused and the key is tried again every \(delay)", metadata: ["reason": "\(reason)"])
        case .retrying(let reason):
            logger.warning("publishing is failing; retrying with backoff, nothing is dropped", metadata: ["reason": "\(reason)"])
        case .healthy:
            break
        }
    }
}

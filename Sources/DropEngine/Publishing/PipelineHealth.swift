import Foundation
import Logging

/// Whether a pipeline's requests are getting through, said once per change.
///
/// A retry loop that logged every attempt would bury the one line that matters during an
/// outage; this logs the moment things go wrong (with the reason), when the reason changes,
/// and when they come right again. It also keeps `state/health/<pipeline>.json` current, so
/// that `openlayer-drop status`, another process, can tell a paused pipeline from a busy one.
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
    public private(set) var nextAttempt: Date?
    private var since = Date()
    private var lastSuccess: Date?
    private let logger: Logger
    private let statusFile: String?
    /// The pipeline's metrics, for everything that reports on its requests; nil records none.
    public nonisolated let metrics: PipelineMetrics?
    /// Hears each change of state (the daemon's readiness listens).
    private let onChange: (@Sendable (State) -> Void)?

    /// - Parameters:
    ///   - statusFile: where the state is written for `status`; nil writes nothing.
    ///   - metrics: where the paused state and retries are counted.
    ///   - onChange: told each new state, as it changes.
    public init(
        logger: Logger, statusFile: String? = nil, metrics: PipelineMetrics? = nil, onChange: (@Sendable (State) -> Void)? = nil
    ) {
        self.logger = logger
        self.statusFile = statusFile
        self.metrics = metrics
        self.onChange = onChange
    }

    /// Writes the current state, so that `status` sees a pipeline as soon as it is bound.
    public func announce() {
        write()
    }

    public func succeeded() {
        lastSuccess = Date()
        nextAttempt = nil
        guard state != .healthy else { return }
        switch state {
        case .paused: logger.notice("the API key is accepted again; publishing resumes")
        default: logger.notice("the API answers again; publishing resumes")
        }
        state = .healthy
        since = Date()
        changed()
        write()
    }

    public func failed(_ newState: State, retryIn delay: Duration) {
        nextAttempt = Date().addingTimeInterval(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
        defer { write() }
        guard newState != state else { return }
        state = newState
        since = Date()
        changed()
        switch newState {
        case .paused(let reason):
            logger.error("the API key is refused; publishing is paused and the key is tried again every \(delay)", metadata: ["reason": "\(reason)"])
        case .retrying(let reason):
            logger.warning("requests to Openlayer are failing; retrying with backoff, nothing is dropped", metadata: ["reason": "\(reason)"])
        case .healthy:
            break
        }
    }

    private func changed() {
        if case .paused = state { metrics?.paused(true) } else { metrics?.paused(false) }
        onChange?(state)
    }

    /// Writes the state for other processes; a failure to write only loses that view.
    private func write() {
        guard let statusFile else { return }
        var snapshot = HealthSnapshot(state: .healthy, reason: nil, since: Journal.timestamp(since), nextAttempt: nextAttempt.map(Journal.timestamp))
        switch state {
        case .healthy: break
        case .retrying(let reason): (snapshot.state, snapshot.reason) = (.retrying, reason)
        case .paused(let reason): (snapshot.state, snapshot.reason) = (.paused, reason)
        }
        guard let data = try? JSONEncoder().encode(snapshot) else { return }
        try? NoOverwriteMove.writeAtomically(data, to: statusFile)
    }
}

/// What `state/health/<pipeline>.json` holds.
public struct HealthSnapshot: Sendable, Codable, Equatable {
    /// How a pipeline's requests are going, as the health file and `status` spell it.
    public enum State: String, Sendable, Codable {
        case healthy
        /// Requests fail and are retried with backoff (`reason` says why).
        case retrying
        /// The API key is refused: nothing is sent until it is taken again.
        case paused
        /// No health file: the service has not run for this pipeline.
        case unknown
    }

    public var state: State
    public var reason: String?
    public var since: String
    public var nextAttempt: String?
}

import DropEngine
import Synchronization

/// What `/readyz` answers from: the service is ready once its journal is open and the inbox
/// watched, and while no pipeline is paused by a refused API key. The config is loaded before
/// any of this exists.
public final class ServiceReadiness: Sendable {
    private struct State {
        var journalOpen = false
        var watching = false
        /// Paused pipelines, with the API's reason.
        var paused: [String: String] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    func journalOpened() { state.withLock { $0.journalOpen = true } }

    func watching(_ isWatching: Bool) { state.withLock { $0.watching = isWatching } }

    func pipeline(_ name: String, is health: PipelineHealth.State) {
        state.withLock {
            if case .paused(let reason) = health { $0.paused[name] = reason } else { $0.paused[name] = nil }
        }
    }

    /// A pipeline removed by a reload no longer holds readiness back.
    func forget(_ pipeline: String) {
        state.withLock { $0.paused[pipeline] = nil }
    }

    /// Why the service is not ready; empty when it is.
    public var reasons: [String] {
        state.withLock { state in
            var reasons: [String] = []
            if !state.journalOpen { reasons.append("the journal is not open") }
            if !state.watching { reasons.append("the inbox is not watched") }
            for (pipeline, reason) in state.paused.sorted(by: { $0.key < $1.key }) {
                reasons.append("pipeline \(pipeline) is paused: the API refuses the key (\(reason))")
            }
            return reasons
        }
    }
}

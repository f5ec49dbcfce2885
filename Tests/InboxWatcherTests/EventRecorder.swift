import InboxWatcher
import Synchronization

/// Runs an `InboxWatcher` in a task and records what it yields, so tests can wait for an
/// expected event with a deadline instead of hanging on `next()` when it never comes.
final class EventRecorder: Sendable {
    private struct State {
        var events: [InboxEvent] = []
        var finished = false
        var error: (any Error)?
    }

    /// Shared with the consuming task (which must not keep the recorder itself alive).
    private final class Storage: Sendable {
        let state = Mutex(State())
    }

    private let storage = Storage()
    private let task: Task<Void, Never>

    /// Starts iterating `watcher` at once.
    init(_ watcher: InboxWatcher) {
        task = Task { [storage] in
            do {
                for try await event in watcher {
                    storage.state.withLock { $0.events.append(event) }
                }
            } catch {
                storage.state.withLock { $0.error = error }
            }
            storage.state.withLock { $0.finished = true }
        }
    }

    /// A test that fails early still stops its watcher, so the next test can start one.
    deinit {
        task.cancel()
    }

    var events: [InboxEvent] { storage.state.withLock { $0.events } }
    var paths: [String] {
        events.compactMap { if case .fileReady(let path, _) = $0 { path } else { nil } }
    }
    var isFinished: Bool { storage.state.withLock { $0.finished } }
    var error: (any Error)? { storage.state.withLock { $0.error } }

    func count(of path: String) -> Int { paths.filter { $0 == path }.count }

    /// Waits until `condition` holds, at most `timeout`. Returns whether it held.
    func wait(
        timeout: Duration = .seconds(15),
        until condition: (EventRecorder) -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(self) {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Waits until `path` has been reported, at most `timeout`.
    func waitFor(_ path: String, timeout: Duration = .seconds(15)) async -> Bool {
        await wait(timeout: timeout) { $0.paths.contains(path) }
    }

    /// Cancels the consuming task and waits (at most `timeout`) for the iteration to end.
    func cancel(timeout: Duration = .seconds(15)) async -> Bool {
        task.cancel()
        return await wait(timeout: timeout) { $0.isFinished }
    }
}

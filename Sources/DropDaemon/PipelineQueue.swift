/// The files waiting for one pipeline, in arrival order, each at most once.
///
/// The watcher may report a file twice (once from the start-up scan, once from an event, or
/// again after a queue overflow); a file already waiting or in work is not queued again.
actor PipelineQueue {
    let pipeline: String
    private var known: Set<String> = []
    private let continuation: AsyncStream<String>.Continuation
    nonisolated let paths: AsyncStream<String>

    init(pipeline: String) {
        self.pipeline = pipeline
        (paths, continuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Queues `path` unless it is already waiting or in work. Returns whether it was queued.
    @discardableResult
    func enqueue(_ path: String) -> Bool {
        guard known.insert(path).inserted else { return false }
        continuation.yield(path)
        return true
    }

    /// Called when the worker is done with `path`: a later file of the same name is new work.
    func finished(_ path: String) {
        known.remove(path)
    }

    /// Puts a file that failed back in line, keeping it marked as known meanwhile.
    func requeue(_ path: String) {
        continuation.yield(path)
    }

    func close() {
        continuation.finish()
    }
}

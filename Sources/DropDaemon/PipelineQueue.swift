import DropEngine

/// The work waiting for one pipeline, in arrival order: files reported in the inbox, and
/// claimed files to take up again after a failure.
///
/// The watcher may report an inbox file twice (once from the start-up scan, once from an
/// event, or again after a queue overflow); a path already waiting is not queued again.
actor PipelineQueue {
    enum Work: Sendable {
        /// A file in the inbox; `complete` when it was renamed in, so that it need not settle.
        case inbox(String, FileKind, complete: Bool)
        case claimed(JournalFile)
    }

    let pipeline: String
    private let metrics: PipelineMetrics
    private var waiting: Set<String> = [] {
        didSet { metrics.queued(waiting.count) }
    }
    private let continuation: AsyncStream<Work>.Continuation
    nonisolated let work: AsyncStream<Work>

    init(pipeline: String, metrics: PipelineMetrics) {
        self.pipeline = pipeline
        self.metrics = metrics
        (work, continuation) = AsyncStream.makeStream(of: Work.self)
    }

    /// Queues an inbox path unless it is already waiting.
    /// - Parameter complete: the file was renamed into the inbox, so it is taken at once.
    @discardableResult
    func enqueue(_ path: String, kind: FileKind, complete: Bool = false) -> Bool {
        guard waiting.insert(path).inserted else { return false }
        continuation.yield(.inbox(path, kind, complete: complete))
        return true
    }

    /// Called when the worker takes `path`: a later report of the same name is new work.
    func taken(_ path: String) {
        waiting.remove(path)
    }

    /// Puts work back in line after `delay` (a file not yet quiet, or one that failed).
    nonisolated func retry(_ work: Work, after delay: Duration) {
        let continuation = self.continuation
        Task {
            try? await Task.sleep(for: delay)
            continuation.yield(work)
        }
    }

    func close() {
        continuation.finish()
    }
}

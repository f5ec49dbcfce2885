import DropEngine

/// The work waiting for one run of a pipeline, in arrival order: files reported in the inbox,
/// and claimed files to take up again after a failure.
///
/// The watcher may report an inbox file twice (once from the start-up scan, once from an
/// event, or again after a queue overflow); a path already waiting is not queued again.
///
/// Closing the queue is how a run is told to stop: at shutdown, and at a reload that removes
/// or changes its pipeline. Its worker finishes the file in hand and takes nothing more; what
/// was waiting is still in the inbox or `state/processing/`, where the next run finds it.
actor PipelineQueue {
    enum Work: Sendable {
        /// A file in the inbox; `complete` when it was renamed in, so that it need not settle.
        case inbox(String, FileKind, complete: Bool)
        case claimed(JournalFile)
    }

    let pipeline: String
    nonisolated let metrics: PipelineMetrics
    private var waiting: Set<String> = [] {
        didSet { metrics.queued(waiting.count) }
    }
    private(set) var isClosed = false
    private let continuation: AsyncStream<Work>.Continuation
    nonisolated let work: AsyncStream<Work>
    /// Ends when the queue closes: what a run still binding its pipeline waits on.
    private let closing: (stream: AsyncStream<Never>, continuation: AsyncStream<Never>.Continuation)

    init(pipeline: String, metrics: PipelineMetrics) {
        self.pipeline = pipeline
        self.metrics = metrics
        (work, continuation) = AsyncStream.makeStream(of: Work.self)
        closing = AsyncStream.makeStream(of: Never.self)
    }

    /// Queues an inbox path unless it is already waiting or the queue is closed.
    /// - Parameter complete: the file was renamed into the inbox, so it is taken at once.
    @discardableResult
    func enqueue(_ path: String, kind: FileKind, complete: Bool = false) -> Bool {
        guard !isClosed, waiting.insert(path).inserted else { return false }
        continuation.yield(.inbox(path, kind, complete: complete))
        return true
    }

    /// Called when the worker takes `path`: a later report of the same name is new work.
    func taken(_ path: String) {
        waiting.remove(path)
    }

    /// Puts work back in line after `delay` (a file not yet quiet, or one that failed). Work
    /// put back after the queue closed is dropped here: the file is still in the inbox or in
    /// `state/processing/`, and the next run of the pipeline finds it there.
    nonisolated func retry(_ work: Work, after delay: Duration) {
        let continuation = self.continuation
        Task {
            try? await Task.sleep(for: delay)
            continuation.yield(work)
        }
    }

    /// Returns once the queue is closed, or when the calling task is cancelled.
    nonisolated func untilClosed() async {
        for await _ in closing.stream {}
    }

    func close() {
        isClosed = true
        waiting.removeAll()
        continuation.finish()
        closing.continuation.finish()
    }
}

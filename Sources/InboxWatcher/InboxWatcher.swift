import Foundation

/// Watches an inbox directory tree and reports files that are ready to publish.
///
/// Iterating it (`for try await event in watcher`):
/// 1. watches the root and every subdirectory (recursively, not following symbolic links,
///    skipping directories whose names the filter rejects);
/// 2. then yields `.fileReady` for every regular file already present — files dropped while
///    the service was not running — sorted by path;
/// 3. then yields live events: a file closed after writing, or renamed/moved in, whose name
///    passes the filter; for a directory created or moved in, it watches it and yields the
///    files already inside (they may have arrived before the watch existed); a kernel queue
///    overflow yields `.rescanNeeded`.
///
/// Duplicates are possible and expected (a file both found by a scan and reported by an
/// event, a file rewritten in place, a directory renamed inside the tree): the consumer
/// deduplicates. Paths are absolute and start with `root`.
///
/// Errors are thrown by the sequence, not by `init` — setup happens when iteration starts:
/// `InboxWatcherError.rootNotFound` / `.rootNotADirectory` (the watcher creates nothing),
/// `.inotify(_)` (e.g. the watch limit), `.rootRemoved`, `.anotherWatcherActive`.
///
/// One watcher per process: libinotifytools is process-global, so only one iteration can be
/// live at a time. Ending the iteration (cancelling the consuming task, or dropping the
/// iterator) ends the sequence at once; the watcher thread notices within a second (the
/// library's smallest timeout), drains the library's buffer (about one more second if events
/// were pending) and calls `inotifytools_cleanup`. A new iteration started meanwhile waits
/// up to five seconds for that instead of failing.
///
/// Events are buffered without limit, because dropping one would lose a file. In practice the
/// buffer is bounded: at most one `.fileReady` per file event the kernel delivers, the kernel
/// queue itself is capped (`fs.inotify.max_queued_events`, beyond which we emit a single
/// `.rescanNeeded`), and scans yield one element per file actually in the inbox.
public struct InboxWatcher: AsyncSequence, Sendable {
    public typealias Element = InboxEvent
    public typealias AsyncIterator = AsyncThrowingStream<InboxEvent, any Error>.Iterator

    /// Absolute path of the watched directory, without a trailing slash.
    public let root: String
    public let filter: FileNameFilter

    /// Describes a watcher; nothing is touched until iteration starts. A relative `root` is
    /// resolved against the current directory now.
    public init(root: String, filter: FileNameFilter = .default) {
        self.root = FileSystem.absolute(root)
        self.filter = filter
    }

    /// Starts a watcher thread for this iteration.
    public func makeAsyncIterator() -> AsyncIterator {
        let (stream, continuation) = AsyncThrowingStream<InboxEvent, any Error>.makeStream(
            bufferingPolicy: .unbounded
        )
        let stop = WatchSession.StopSignal()
        continuation.onTermination = { _ in stop.set() }
        let root = self.root
        let filter = self.filter
        let thread = Thread {
            WatchSession(root: root, filter: filter, continuation: continuation, stop: stop).run()
        }
        thread.name = "InboxWatcher"
        thread.start()
        return stream.makeAsyncIterator()
    }

    /// The files under `root` that are ready to publish right now (regular files whose
    /// names, and whose directories' names, pass the filter), sorted. For rescanning after
    /// `.rescanNeeded`; needs no inotify and can run alongside a live watcher.
    public func scan() -> [String] {
        Self.scan(root: root, filter: filter)
    }

    /// `scan()` without a watcher. A missing or unreadable root yields no files.
    public static func scan(root: String, filter: FileNameFilter = .default) -> [String] {
        FileSystem.readyFiles(under: FileSystem.absolute(root), filter: filter)
    }
}

import Glibc
import Synchronization

/// One iteration of an `InboxWatcher`: owns libinotifytools on a dedicated thread and turns
/// raw inotify events into `InboxEvent`s.
///
/// Why a dedicated thread: `inotifytools_next_event` blocks in `select`, which must not
/// happen on Swift's cooperative pool. The thread polls with a one-second timeout (the
/// library's smallest: its unit is whole seconds) to notice that the consumer went away.
final class WatchSession {
    /// Set from any thread when the consumer stops listening; read by the session's thread.
    final class StopSignal: Sendable {
        private let stopped = Atomic(false)
        var isSet: Bool { stopped.load(ordering: .acquiring) }
        func set() { stopped.store(true, ordering: .releasing) }
    }

    typealias Continuation = AsyncThrowingStream<InboxEvent, any Error>.Continuation

    /// Events wanted on every watched directory. `IN_CREATE` matters for directories and for
    /// entries that are not regular files (links, FIFOs), `IN_MOVED_FROM` for directories only.
    private static let subdirectoryMask: InotifyTools.Mask = [
        .closeWrite, .movedTo, .movedFrom, .create, .onlyDirectory, .dontFollow,
    ]
    /// The root additionally reports being moved away (deletion and unmounting arrive as
    /// `IN_IGNORED` anyway). Links are followed for the root: a symlinked inbox is fine.
    private static let rootMask: InotifyTools.Mask = [
        .closeWrite, .movedTo, .movedFrom, .create, .moveSelf, .onlyDirectory,
    ]
    private static let pollSeconds = 1

    private let root: String
    private let filter: FileNameFilter
    private let continuation: Continuation
    private let stop: StopSignal
    private var rootWatch: Int32 = -1
    /// A watched directory seen leaving by `IN_MOVED_FROM`. The kernel queues the matching
    /// `IN_MOVED_TO` right after it when the directory stays inside the tree; if anything
    /// else (or a timeout) comes next, it left the tree.
    private var pendingMove: (cookie: UInt32, path: String)?

    init(root: String, filter: FileNameFilter, continuation: Continuation, stop: StopSignal) {
        self.root = root
        self.filter = filter
        self.continuation = continuation
        self.stop = stop
    }

    /// Runs until the consumer stops listening or an error occurs, then releases the library
    /// and finishes the stream.
    func run() {
        do {
            try runUntilStopped()
            continuation.finish()
        } catch {
            continuation.finish(throwing: error)
        }
    }

    private func runUntilStopped() throws(InboxWatcherError) {
        switch FileSystem.kindFollowingLinks(of: root) {
        case .missing: throw .rootNotFound(root)
        case .regularFile, .other: throw .rootNotADirectory(root)
        case .directory: break
        }
        guard let tools = try InotifyTools.acquire(giveUp: { stop.isSet }) else { return }
        defer { tools.close() }  // before the stream finishes: a next watcher may start at once

        // 1. Watches first, 2. then the files already there: anything closed after its
        // directory's watch exists is reported by an event, anything before by the scan.
        do {
            rootWatch = try tools.watchDirectory(root, mask: Self.rootMask)
            for entry in FileSystem.entries(of: root) where entry.kind == .directory && filter.accepts(entry.name) {
                try tools.watchTree(
                    FileSystem.join(root, entry.name),
                    mask: Self.subdirectoryMask,
                    subdirectoryMask: Self.subdirectoryMask,
                    include: filter.accepts
                )
            }
        } catch {
            throw .inotify(error)
        }
        yieldReadyFiles(under: root)
        continuation.yield(.watching)

        // 3. Live events.
        while !stop.isSet {
            let event: InotifyTools.Event?
            do {
                event = try tools.nextEvent(timeoutSeconds: Self.pollSeconds)
            } catch {
                throw .inotify(error)
            }
            guard let event else {
                resolvePendingMove(with: nil, tools: tools)
                continue
            }
            try handle(event, tools: tools)
        }
    }

    private func handle(_ event: InotifyTools.Event, tools: InotifyTools) throws(InboxWatcherError) {
        resolvePendingMove(with: event, tools: tools)

        if event.mask.contains(.queueOverflow) {
            // Events were lost, possibly directory creations: watch whatever is missing,
            // then let the consumer rescan. (Re-adding an existing watch is harmless for the
            // kernel; libinotifytools leaks a few bytes per re-added directory. Overflows are
            // rare enough for that not to matter.)
            try watchNewDirectory(root, mask: Self.rootMask, tools: tools)
            continuation.yield(.rescanNeeded)
            return
        }
        if event.mask.contains(.ignored) {
            tools.watchWasRemoved(event.watch)
            if event.watch == rootWatch { throw .rootRemoved(root) }
            return
        }
        if event.watch == rootWatch, event.mask.contains(.moveSelf) {
            throw .rootRemoved(root)
        }
        guard let path = event.path, !event.name.isEmpty else { return }

        if event.mask.contains(.isDirectory) {
            try handleDirectory(event, path: path, tools: tools)
        } else if event.mask.contains(.closeWrite) || event.mask.contains(.movedTo) || event.mask.contains(.create) {
            guard filter.accepts(event.name) else { return }
            let movedIn = event.mask.contains(.movedTo)
            switch FileSystem.kind(of: path) {
            case .regularFile where !event.mask.contains(.create):
                continuation.yield(.fileReady(path: path, arrival: movedIn ? .renamed : .closedAfterWriting))
            case .regularFile where FileSystem.linkCount(of: path) > 1:
                // A hard link made in place (`ln`): no close will follow, and the consumer refuses it.
                continuation.yield(.fileReady(path: path, arrival: .created))
            case .other:
                // A link, a FIFO: reported so that the consumer refuses it, not left unseen.
                continuation.yield(.fileReady(path: path, arrival: movedIn ? .renamed : .created))
            case .regularFile, .directory, .missing:
                break  // a regular file just created is still being written: its close reports it
            }
        }
    }

    private func handleDirectory(
        _ event: InotifyTools.Event,
        path: String,
        tools: InotifyTools
    ) throws(InboxWatcherError) {
        if event.mask.contains(.movedFrom) {
            if tools.isWatching(path) { pendingMove = (event.cookie, path) }
            return
        }
        guard event.mask.contains(.create) || event.mask.contains(.movedTo) else { return }

        if event.mask.contains(.movedTo), let move = pendingMove, move.cookie == event.cookie {
            // Renamed inside the tree: same inodes, same watches, new paths.
            pendingMove = nil
            if filter.accepts(event.name) {
                tools.renameWatches(from: move.path, to: path)
                yieldReadyFiles(under: path)  // their paths changed; report the new ones
            } else {
                tools.removeWatches(under: move.path)  // renamed to a staging name
            }
            return
        }
        guard filter.accepts(event.name) else { return }
        // New here (created or moved in): files may have arrived before the watch existed.
        try watchNewDirectory(path, mask: Self.subdirectoryMask, tools: tools)
        yieldReadyFiles(under: path)
    }

    /// A watched directory that was renamed away and not seen arriving left the tree: stop
    /// watching it, or its events would be reported under its old path.
    private func resolvePendingMove(with next: InotifyTools.Event?, tools: InotifyTools) {
        guard let move = pendingMove else { return }
        if let next, next.mask.contains(.movedTo), next.cookie == move.cookie { return }
        pendingMove = nil
        tools.removeWatches(under: move.path)
    }

    private func watchNewDirectory(
        _ path: String,
        mask: InotifyTools.Mask,
        tools: InotifyTools
    ) throws(InboxWatcherError) {
        do {
            try tools.watchTree(path, mask: mask, subdirectoryMask: Self.subdirectoryMask, include: filter.accepts)
        } catch {
            throw .inotify(error)
        }
    }

    private func yieldReadyFiles(under directory: String) {
        for path in FileSystem.readyFiles(under: directory, filter: filter) {
            continuation.yield(.fileReady(path: path, arrival: .found))
        }
    }
}

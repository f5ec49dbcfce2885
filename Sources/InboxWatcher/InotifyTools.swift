import CInotifyTools
import Glibc
import Synchronization

/// The one place that talks to libinotifytools; no other Swift file imports `CInotifyTools`.
///
/// Why it looks the way it does:
/// - libinotifytools keeps *process-global* state (one inotify descriptor, its watch tables,
///   and a static read buffer inside `inotifytools_next_event`). So at most one instance of
///   this class may be open per process: `acquire` claims a process-wide slot and `close`
///   hands it back. The instance is meant to be owned by a single thread; it is deliberately
///   not `Sendable`.
/// - `inotifytools_next_event` returns a pointer into that static buffer, valid only until
///   the next call, so `nextEvent` copies everything into Swift values at once.
/// - The library does not hand back the watch descriptor (wd) of a new watch, and its own
///   wd→path table goes stale when a watched directory is renamed or removed. We therefore
///   keep our own wd↔path registry (the source of truth for event paths) and mirror renames
///   and removals into the library, so that `inotifytools_wd_from_filename` keeps answering
///   correctly when a path is watched again.
/// - Recursion is done here rather than with `inotifytools_watch_recursively`: we need every
///   wd, and we add each directory's watch *before* listing it, so that a subdirectory
///   created concurrently is either listed or reported by an `IN_CREATE` event (the library
///   lists first and watches last, which leaves a gap).
/// - The library waits with `select(2)`, so its inotify descriptor must be below
///   `FD_SETSIZE` (1024): start the watcher before the process opens many descriptors.
final class InotifyTools {
    /// inotify event and watch flags, as Swift values.
    struct Mask: OptionSet, Hashable, Sendable {
        let rawValue: UInt32

        static let closeWrite = Mask(rawValue: CINOTIFY_CLOSE_WRITE)
        static let movedFrom = Mask(rawValue: CINOTIFY_MOVED_FROM)
        static let movedTo = Mask(rawValue: CINOTIFY_MOVED_TO)
        static let create = Mask(rawValue: CINOTIFY_CREATE)
        static let deleteSelf = Mask(rawValue: CINOTIFY_DELETE_SELF)
        static let moveSelf = Mask(rawValue: CINOTIFY_MOVE_SELF)

        /// Delivered without being asked for.
        static let unmount = Mask(rawValue: CINOTIFY_UNMOUNT)
        static let queueOverflow = Mask(rawValue: CINOTIFY_Q_OVERFLOW)
        static let ignored = Mask(rawValue: CINOTIFY_IGNORED)
        static let isDirectory = Mask(rawValue: CINOTIFY_ISDIR)

        /// Flags for adding a watch.
        static let onlyDirectory = Mask(rawValue: CINOTIFY_ONLYDIR)
        static let dontFollow = Mask(rawValue: CINOTIFY_DONT_FOLLOW)
    }

    /// One inotify event, copied out of the library's buffer.
    struct Event: Equatable, Sendable {
        /// The watch descriptor; -1 for `IN_Q_OVERFLOW`.
        var watch: Int32
        /// Absolute path of the watched directory, or nil when the watch is no longer ours
        /// (an event still queued for a watch we already dropped, or an overflow).
        var directory: String?
        /// Name inside `directory`; "" when the event is about the directory itself.
        var name: String
        var mask: Mask
        /// Pairs `IN_MOVED_FROM` with `IN_MOVED_TO` of the same rename.
        var cookie: UInt32

        /// `directory/name`, or nil if the directory is unknown.
        var path: String? {
            guard let directory else { return nil }
            return name.isEmpty ? directory : FileSystem.join(directory, name)
        }
    }

    /// True while an `InotifyTools` is open somewhere in the process.
    private static let libraryInUse = Mutex(false)

    private var pathByWatch: [Int32: String] = [:]
    private var watchByPath: [String: Int32] = [:]
    /// The library's static buffer may still hold events we have not read. It is not reset by
    /// `inotifytools_cleanup`, so leftovers would be served to the *next* owner (with wds of a
    /// closed descriptor). `close` drains it when this is true.
    private var bufferMayHoldEvents = false
    private var isOpen = true

    private init() {}

    deinit { close() }

    /// Claims the process-wide library and initializes it.
    ///
    /// A previous owner that is shutting down releases the library within about two seconds, so
    /// we wait up to `patience` for it instead of failing at once; a watcher that is still live
    /// after that is an error. Returns nil if `giveUp` becomes true while waiting.
    static func acquire(
        patience: Duration = .seconds(5),
        giveUp: () -> Bool
    ) throws(InboxWatcherError) -> InotifyTools? {
        let deadline = ContinuousClock.now + patience
        while !libraryInUse.withLock({ inUse in
            if inUse { return false }
            inUse = true
            return true
        }) {
            if giveUp() { return nil }
            if ContinuousClock.now >= deadline { throw .anotherWatcherActive }
            usleep(20_000)
        }
        guard inotifytools_initialize() != 0 else {
            let error = InotifyError(errno: inotifytools_error(), function: "inotifytools_initialize")
            libraryInUse.withLock { $0 = false }
            throw .inotify(error)
        }
        return InotifyTools()
    }

    /// Watches one directory (not its subdirectories) and returns the watch descriptor.
    /// Watching an already watched directory again returns the same descriptor.
    @discardableResult
    func watchDirectory(_ path: String, mask: Mask) throws(InotifyError) -> Int32 {
        precondition(isOpen, "InotifyTools used after close()")
        let added = path.withCString { inotifytools_watch_file($0, Int32(bitPattern: mask.rawValue)) }
        guard added != 0 else {
            throw InotifyError(errno: inotifytools_error(), function: "inotifytools_watch_file", path: path)
        }
        // The library keys directories by their path with a trailing slash.
        let wd = libraryKey(path).withCString { inotifytools_wd_from_filename($0) }
        guard wd > 0 else {
            throw InotifyError(errno: EINVAL, function: "inotifytools_wd_from_filename", path: path)
        }
        if let stale = watchByPath[path], stale != wd { pathByWatch[stale] = nil }
        if let previous = pathByWatch[wd], previous != path { watchByPath[previous] = nil }
        pathByWatch[wd] = path
        watchByPath[path] = wd
        return wd
    }

    /// Watches `path` and every directory below it whose name `include` accepts, skipping
    /// symbolic links. Returns the directories watched, `path` first.
    ///
    /// Directories that vanish or cannot be read while we walk are skipped (they raced with
    /// us; their removal is not our concern). Any other failure, notably `ENOSPC` when the
    /// user's `max_user_watches` is reached, is thrown: a silently unwatched directory would
    /// lose files.
    @discardableResult
    func watchTree(
        _ path: String,
        mask: Mask,
        subdirectoryMask: Mask,
        include: (String) -> Bool
    ) throws(InotifyError) -> [String] {
        var watched: [String] = []
        var pending: [(path: String, mask: Mask)] = [(path, mask)]
        while let (directory, directoryMask) = pending.popLast() {
            do {
                try watchDirectory(directory, mask: directoryMask)
            } catch let error where [ENOENT, ENOTDIR, EACCES].contains(error.errno) {
                continue
            }
            watched.append(directory)
            for entry in FileSystem.entries(of: directory).reversed()
            where entry.kind == .directory && include(entry.name) {
                pending.append((FileSystem.join(directory, entry.name), subdirectoryMask))
            }
        }
        return watched
    }

    /// True if `path` or a directory below it is watched.
    func isWatching(_ path: String) -> Bool {
        watchByPath[path] != nil || watchByPath.keys.contains { FileSystem.isInside($0, path) }
    }

    /// Follows a rename of a watched directory inside the tree: the kernel keeps the watches
    /// (they belong to inodes), only their paths change.
    func renameWatches(from oldPath: String, to newPath: String) {
        let moved = watchByPath.filter { $0.key == oldPath || FileSystem.isInside($0.key, oldPath) }
        for (path, wd) in moved {
            let renamed = FileSystem.rebase(path, from: oldPath, to: newPath)
            watchByPath[path] = nil
            watchByPath[renamed] = wd
            pathByWatch[wd] = renamed
        }
        inotifytools_replace_filename(libraryKey(oldPath), libraryKey(newPath))
    }

    /// Stops watching `path` and every directory below it (they left the tree).
    func removeWatches(under path: String) {
        let gone = watchByPath.filter { $0.key == path || FileSystem.isInside($0.key, path) }
        for (directory, wd) in gone {
            forgetWatch(wd)
            if inotifytools_remove_watch_by_wd(wd) == 0 {
                // The kernel already dropped it (the directory was deleted); retire the
                // library's entry so the path can be watched again.
                retireLibraryEntry(directory, watch: wd)
            }
        }
    }

    /// Handles `IN_IGNORED`: the kernel removed the watch (directory deleted, or unmounted).
    func watchWasRemoved(_ wd: Int32) {
        guard let path = pathByWatch[wd] else { return }
        let pathNowBelongsToAnotherWatch = watchByPath[path] != wd
        forgetWatch(wd)
        if !pathNowBelongsToAnotherWatch { retireLibraryEntry(path, watch: wd) }
    }

    /// Waits up to `timeoutSeconds` (whole seconds: that is the library's unit, and 0 would
    /// mean "forever") for the next event. Returns nil on timeout or `EINTR`.
    func nextEvent(timeoutSeconds: Int) throws(InotifyError) -> Event? {
        precondition(isOpen, "InotifyTools used after close()")
        precondition(timeoutSeconds > 0, "0 means block forever in libinotifytools")
        guard let raw = inotifytools_next_event(timeoutSeconds) else {
            bufferMayHoldEvents = false  // the library only waits when its buffer is empty
            let code = inotifytools_error()
            if code == 0 || code == EINTR { return nil }
            throw InotifyError(errno: code, function: "inotifytools_next_event")
        }
        bufferMayHoldEvents = true
        let wd = cinotify_event_wd(raw)
        let name = String(cString: cinotify_event_name(raw))
        return Event(
            watch: wd,
            directory: pathByWatch[wd],
            name: name,
            mask: Mask(rawValue: cinotify_event_mask(raw)),
            cookie: cinotify_event_cookie(raw)
        )
    }

    /// Releases the library (`inotifytools_cleanup`) so another watcher can start.
    /// Idempotent; also called by `deinit`.
    func close() {
        guard isOpen else { return }
        if bufferMayHoldEvents { drainBuffer() }
        inotifytools_cleanup()
        pathByWatch = [:]
        watchByPath = [:]
        isOpen = false
        Self.libraryInUse.withLock { $0 = false }
    }

    // MARK: - Private

    /// Empties the library's static buffer: remove every watch (so events stop coming), then
    /// read until the library has to wait, which it only does once its buffer is empty.
    /// Bounded in time so a misbehaving system cannot keep a watcher from stopping.
    private func drainBuffer() {
        // Skipping vanished directories spares us the library's "Failed to remove watch"
        // message on stderr: the kernel already dropped those watches.
        for (wd, path) in pathByWatch where FileSystem.kind(of: path) == .directory {
            _ = inotifytools_remove_watch_by_wd(wd)
        }
        pathByWatch = [:]
        watchByPath = [:]
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline, inotifytools_next_event(1) != nil {}
        bufferMayHoldEvents = false
    }

    private func forgetWatch(_ wd: Int32) {
        if let path = pathByWatch.removeValue(forKey: wd), watchByPath[path] == wd {
            watchByPath[path] = nil
        }
    }

    /// Renames the library's entry for a dead watch to a unique name, so that a new directory
    /// at the same path gets its own entry (the library never replaces an existing one).
    private func retireLibraryEntry(_ path: String, watch wd: Int32) {
        inotifytools_replace_filename(libraryKey(path), "\u{1}retired-watch-\(wd)/")
    }

    private func libraryKey(_ directory: String) -> String {
        directory.hasSuffix("/") ? directory : directory + "/"
    }
}

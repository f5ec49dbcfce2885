/// Why an `InboxWatcher` sequence stopped with an error.
///
/// These are thrown by the sequence (from `next()`), not by `InboxWatcher.init`: setting up
/// the watches happens when iteration starts, on the watcher's own thread.
public enum InboxWatcherError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The root does not exist. The watcher creates nothing.
    case rootNotFound(String)
    /// The root exists but is not a directory.
    case rootNotADirectory(String)
    /// The root was deleted, moved or unmounted while being watched; paths under it can no
    /// longer be reported correctly.
    case rootRemoved(String)
    /// Another watcher is live in this process. libinotifytools keeps process-global state,
    /// so only one watcher can run at a time; a stopping one is waited for a few seconds.
    case anotherWatcherActive
    /// A libinotifytools call failed (e.g. the inotify watch limit was reached).
    case inotify(InotifyError)

    public var description: String {
        switch self {
        case .rootNotFound(let path): "inbox root \(path) does not exist"
        case .rootNotADirectory(let path): "inbox root \(path) is not a directory"
        case .rootRemoved(let path): "inbox root \(path) was removed, moved or unmounted"
        case .anotherWatcherActive:
            "another InboxWatcher is already running in this process (libinotifytools is process-global)"
        case .inotify(let error): error.description
        }
    }
}

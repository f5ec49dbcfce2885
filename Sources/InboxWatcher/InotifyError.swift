import Glibc

/// A failed libinotifytools / inotify call: which C function failed and its errno.
///
/// Why a struct and not just an errno: the same errno means different things from different
/// calls (`ENOSPC` from adding a watch means the per-user watch limit, not a full disk).
public struct InotifyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C `errno` reported by the library.
    public let errno: Int32
    /// The C function that failed, e.g. `inotifytools_watch_file`.
    public let function: String
    /// The path involved, if any.
    public let path: String?

    public init(errno: Int32, function: String, path: String? = nil) {
        self.errno = errno
        self.function = function
        self.path = path
    }

    public var description: String {
        var text = "\(function)"
        if let path { text += "(\(path))" }
        text += " failed: \(String(cString: strerror(errno))) (errno \(errno))"
        switch errno {
        case ENOSPC where function == "inotifytools_watch_file":
            text += "; the inotify watch limit is reached, raise fs.inotify.max_user_watches"
        case EMFILE where function == "inotifytools_initialize":
            text += "; too many inotify instances, raise fs.inotify.max_user_instances"
        default:
            break
        }
        return text
    }
}

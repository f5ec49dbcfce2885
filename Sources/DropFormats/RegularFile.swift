#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens a dropped file for reading the one safe way: never through a symbolic link (a link
/// swapped in for a queued file would publish whatever it points to), never blocking (`open` on
/// a FIFO waits for a writer, forever), and only if the descriptor is a regular file. Reading
/// then goes through that descriptor, so what was checked is what is read.
public enum RegularFile {
    /// A read-only descriptor on `path`; the caller closes it.
    public static func openForReading(_ path: String) throws(FileReadError) -> Int32 {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP { throw FileReadError(path: path, errno: code, message: "a symbolic link, not a file: links are not followed") }
            throw FileReadError(path: path, operation: "open", code: code)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw FileReadError(path: path, operation: "fstat", code: code)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw FileReadError(path: path, errno: EINVAL, message: "not a regular file (\(EntryType(mode: info.st_mode).description))")
        }
        return descriptor
    }
}

/// What a directory entry is, from its `st_mode`, in words for a report.
public enum EntryType: Sendable, Equatable, CustomStringConvertible {
    case regularFile, directory, symbolicLink, fifo, socket, device, unknown

    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regularFile
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR, S_IFBLK: self = .device
        default: self = .unknown
        }
    }

    /// The entry at `path`, the link itself unless `followingLinks`; nil when there is none.
    public init?(path: String, followingLinks: Bool = false) {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        self.init(mode: info.st_mode)
    }

    public var description: String {
        switch self {
        case .regularFile: "a regular file"
        case .directory: "a directory"
        case .symbolicLink: "a symbolic link"
        case .fifo: "a FIFO (named pipe)"
        case .socket: "a socket"
        case .device: "a device"
        case .unknown: "an entry of unknown type"
        }
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file's size and modification time to the nanosecond: equal stamps mean nobody wrote to
/// the file in between (every write moves the modification time forward).
public struct FileStamp: Sendable, Equatable {
    public var size: Int64
    public var modificationSeconds: Int64
    public var modificationNanoseconds: Int64
    /// The later of the modification and status-change times. Unlike the modification time,
    /// the status-change time cannot be set back by the writer (`touch -d`, `cp -p`).
    public var lastChange: Date

    public init(path: String) throws {
        var info = stat()
        // The entry itself: a symbolic link is stamped as a link, never followed.
        guard lstat(path, &info) == 0 else {
            throw CocoaError(errno == ENOENT ? .fileReadNoSuchFile : .fileReadUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        size = Int64(info.st_size)
        modificationSeconds = Int64(info.st_mtim.tv_sec)
        modificationNanoseconds = Int64(info.st_mtim.tv_nsec)
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        let changed = Double(info.st_ctim.tv_sec) + Double(info.st_ctim.tv_nsec) / 1e9
        lastChange = Date(timeIntervalSince1970: max(modified, changed))
    }

    /// Same content as far as the file system can tell without reading it.
    public func sameContent(as other: FileStamp) -> Bool {
        size == other.size && modificationSeconds == other.modificationSeconds
            && modificationNanoseconds == other.modificationNanoseconds
    }
}

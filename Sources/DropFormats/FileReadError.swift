#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the operating system to open or read a dropped file, kept apart from
/// `FormatError` because it says nothing about the file's contents: the engine retries or
/// reports these differently (a vanished or unreadable file is not the dropper's typo).
public struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// The `errno` the failing call left behind, so callers can tell ENOENT from EACCES.
    public var errno: Int32
    /// What failed and `strerror`'s text for `errno`, for logs.
    public var message: String

    public init(path: String, errno: Int32, message: String) {
        self.path = path
        self.errno = errno
        self.message = message
    }

    /// Builds the error from the failing call's name and `errno`, with the system's wording.
    public init(path: String, operation: String, code: Int32) {
        let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        self.init(path: path, errno: code, message: "\(operation) failed: \(text)")
    }

    public var description: String { "\(path): \(message)" }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failures of the engine that are about the file system or the file, not about a row.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// A move into the archive or `rejected/` failed.
    case moveFailed(from: String, to: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    /// The journal disagrees with itself or with the file; the file is held back.
    case journal(String)

    public var description: String {
        switch self {
        case .moveFailed(let from, let to, let code): "cannot move \(from) to \(to): \(String(cString: strerror(code)))"
        case .writeFailed(let path, let code): "cannot write \(path): \(String(cString: strerror(code)))"
        case .journal(let message): "journal: \(message)"
        }
    }
}

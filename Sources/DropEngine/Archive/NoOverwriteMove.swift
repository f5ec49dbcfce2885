import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Moves files without ever replacing one that is already there.
///
/// `link(2)` fails with EEXIST instead of overwriting, which makes "take the first free name"
/// race-free; the source is unlinked only once the new name exists. Across file systems
/// (EXDEV) the file is copied, flushed, and linked into place the same way.
enum NoOverwriteMove {
    /// Moves `source` into `directory` under `name`, or `name~2`, `name~3`… if taken.
    /// Returns the path it now has.
    static func move(_ source: String, into directory: String, name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var attempt = 1
        while true {
            let destination = directory + "/" + candidate(name, attempt)
            if try move(source, to: destination) { return destination }
            attempt += 1
        }
    }

    /// Moves `source` to `destination` unless something is there already: then returns false
    /// and leaves both alone. The folder must exist.
    ///
    /// Between the link and the unlink the file has both names: `linked` is the step a crash
    /// test stops at (`CrashPoint`), and what a restart after such a crash must make one again.
    static func move(_ source: String, to destination: String, linked: CrashPoint? = nil) throws -> Bool {
        guard link(source, destination) == 0 else {
            switch errno {
            case EEXIST:
                return false
            case EXDEV:
                return try copyAcross(source, to: destination)
            case let code:
                throw EngineError.moveFailed(from: source, to: destination, errno: code)
            }
        }
        linked?.reached()
        unlink(source)
        return true
    }

    /// `fraud.csv`, `fraud~2.csv`, `fraud~3.csv`…; `fraud~2.csv.gz` for `fraud.csv.gz`.
    static func candidate(_ name: String, _ attempt: Int) -> String {
        guard attempt > 1 else { return name }
        let url = URL(fileURLWithPath: name)
        var ext = url.pathExtension
        if ext.lowercased() == "gz", case let inner = url.deletingPathExtension().pathExtension, !inner.isEmpty { ext = inner + "." + ext }
        let stem = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
        return ext.isEmpty ? "\(stem)~\(attempt)" : "\(stem)~\(attempt).\(ext)"
    }

    private static func copyAcross(_ source: String, to destination: String) throws -> Bool {
        let directory = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        let staging = directory + "/.incoming-" + UUID().uuidString
        defer { unlink(staging) }
        try FileManager.default.copyItem(atPath: source, toPath: staging)
        let descriptor = open(staging, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        guard try move(staging, to: destination) else { return false }
        unlink(source)
        return true
    }

    /// Writes `data` to `path` atomically: a reader sees the whole file or none. One descriptor
    /// writes, flushes and closes the staging file (a receipt per file: this is on the path of
    /// every small file).
    static func writeAtomically(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let staging = directory + "/.writing-" + UUID().uuidString
        let descriptor = open(staging, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw EngineError.writeFailed(path: path, errno: errno) }
        fchmod(descriptor, mode)  // whatever the umask
        var code: Int32 = 0
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    code = errno
                    return
                }
                offset += written
            }
        }
        if code == 0, fsync(descriptor) != 0 { code = errno }
        close(descriptor)
        guard code == 0, rename(staging, path) == 0 else {
            let failure = code != 0 ? code : errno
            unlink(staging)
            throw EngineError.writeFailed(path: path, errno: failure)
        }
    }
}

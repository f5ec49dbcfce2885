import DropFormats
import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Copies a file in the kernel (`sendfile`), a big one in shares on several threads at once.
///
/// `openlayer-drop upload` claims a copy of the file it is given before reading it: one thread
/// copying a 46 MiB file took a tenth of the whole upload, before any other work could start.
enum ParallelFileCopy {
    /// Below this, one thread.
    static let shareMinimumBytes: Int64 = 8 << 20

    /// Copies `source` to `destination`, which must not exist, keeping the permission bits.
    static func copy(from source: String, to destination: String, threads: Int) throws {
        let input = try RegularFile.openForReading(source)
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw error("stat", source) }
        let size = Int64(info.st_size)
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(info.st_mode & 0o777))
        guard output >= 0 else { throw error("create", destination) }
        defer { close(output) }
        // Each share writes its own range of a file already of the right size.
        guard ftruncate(output, off_t(size)) == 0 else { throw error("size", destination) }
        let shares = Int(max(1, min(Int64(max(1, threads)), size / shareMinimumBytes)))
        let failure = NIOLockedValueBox<(any Error)?>(nil)
        BlockingThreads.run(named: "drop copy", (0..<shares).map { share in
            {
                let start = size * Int64(share) / Int64(shares)
                let end = size * Int64(share + 1) / Int64(shares)
                if let error = copyRange(input: input, source: source, destination: destination, range: start..<end) {
                    failure.withLockedValue { $0 = $0 ?? error }
                }
            }
        })
        if let error = failure.withLockedValue({ $0 }) { throw error }
    }

    /// One share: its own descriptor on the destination, placed at the share's start.
    private static func copyRange(input: Int32, source: String, destination: String, range: Range<Int64>) -> (any Error)? {
        let output = open(destination, O_WRONLY | O_CLOEXEC)
        guard output >= 0 else { return error("open", destination) }
        defer { close(output) }
        guard lseek(output, off_t(range.lowerBound), SEEK_SET) >= 0 else { return error("seek", destination) }
        var offset = off_t(range.lowerBound)
        while Int64(offset) < range.upperBound {
            let sent = sendfile(output, input, &offset, Int(range.upperBound - Int64(offset)))
            if sent < 0 {
                if errno == EINTR { continue }
                return error("copy to", destination)
            }
            if sent == 0 { return CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: source]) }  // shrank meanwhile
        }
        return nil
    }

    private static func error(_ operation: String, _ path: String) -> any Error {
        let code = errno
        let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "\(operation) \(path): \(text)"])
    }
}

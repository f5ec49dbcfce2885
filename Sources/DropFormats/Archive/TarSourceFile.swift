#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file being copied into an archive, read in chunks.
///
/// A tar header states the size before the contents, so the size comes from `fstat` and the
/// copy must end up exactly that long. A file that is still being written (an exporter that
/// did not finish) would otherwise produce an archive whose header lies; `copy` notices it
/// shrinking, growing or being rewritten and throws `.sourceChanged`.
final class TarSourceFile {
    let path: String
    let size: Int64
    let modificationTime: Int64
    private let descriptor: Int32
    private let modificationNanoseconds: Int

    init(path: String) throws {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            throw FileReadError(path: path, operation: "open", code: errno)
        }
        guard let status = Self.status(of: descriptor) else {
            let code = errno
            close(descriptor)
            throw FileReadError(path: path, operation: "fstat", code: code)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw ArchiveError(kind: .unsupported, path: path, message: "not a regular file; only files and directories are archived")
        }
        self.path = path
        self.descriptor = descriptor
        self.size = Int64(status.st_size)
        (self.modificationTime, self.modificationNanoseconds) = Self.modification(of: status)
    }

    deinit {
        close(descriptor)
    }

    /// Hands the file to `sink` chunk by chunk, then checks it is still the file `size` and
    /// the modification time described.
    func copy(chunkSize: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 1)
        defer { buffer.deallocate() }
        var copied: Int64 = 0
        while copied < size {
            let received = try readChunk(into: buffer, count: Int(min(Int64(chunkSize), size - copied)))
            guard received > 0 else {
                throw changed("it shrank while being copied: \(copied) of \(size) bytes read")
            }
            try sink(UnsafeRawBufferPointer(start: buffer, count: received))
            copied += Int64(received)
        }
        guard try readChunk(into: buffer, count: 1) == 0 else {
            throw changed("it grew while being copied beyond the \(size) bytes it had at the start")
        }
        if let status = Self.status(of: descriptor) {
            let (seconds, nanoseconds) = Self.modification(of: status)
            guard Int64(status.st_size) == size, seconds == modificationTime, nanoseconds == modificationNanoseconds else {
                throw changed("it was modified while being copied")
            }
        }
    }

    private func readChunk(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var received: Int
        repeat {
            received = read(descriptor, buffer, count)
        } while received < 0 && errno == EINTR
        guard received >= 0 else {
            throw FileReadError(path: path, operation: "read", code: errno)
        }
        return received
    }

    private func changed(_ message: String) -> ArchiveError {
        ArchiveError(kind: .sourceChanged, path: path, message: message)
    }

    private static func status(of descriptor: Int32) -> stat? {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? status : nil
    }

    private static func modification(of status: stat) -> (seconds: Int64, nanoseconds: Int) {
        #if canImport(Darwin)
        return (Int64(status.st_mtimespec.tv_sec), Int(status.st_mtimespec.tv_nsec))
        #else
        return (Int64(status.st_mtim.tv_sec), Int(status.st_mtim.tv_nsec))
        #endif
    }
}

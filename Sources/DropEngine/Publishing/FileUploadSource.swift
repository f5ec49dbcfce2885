import DropFormats
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OpenlayerAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension UploadSource {
    /// A file's bytes, 1 MiB at a time, read afresh for every attempt.
    ///
    /// Each chunk is read only when the HTTP client asks for the next one, so a slow upload
    /// holds one chunk in memory, not the file; the read itself runs on NIO's thread pool,
    /// off the cooperative threads that the rest of the service shares.
    static func file(_ path: String) throws -> UploadSource {
        let size = try FileStamp(path: path).size
        return UploadSource(length: size) {
            let reader = FileChunkReader(path: path)
            return AsyncThrowingStream(unfolding: {
                try await NIOThreadPool.singleton.runIfActive { try reader.next() }.map { ByteBuffer(bytes: $0) }
            })
        }
    }
}

/// Reads a file front to back in chunks; one reader per upload attempt, used by one attempt at a
/// time (its chunks are asked for one after another), so the lock only makes that explicit.
final class FileChunkReader: @unchecked Sendable {
    static let chunkSize = 1 << 20

    private let path: String
    private let lock = NIOLock()
    private var descriptor: Int32 = -1
    private var finished = false

    init(path: String) {
        self.path = path
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The next chunk, or nil at the end of the file.
    func next() throws -> [UInt8]? {
        try lock.withLock {
            guard !finished else { return nil }
            if descriptor < 0 {
                descriptor = open(path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { throw FileReadError(path: path, operation: "open", code: errno) }
            }
            var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
            let count = try chunk.withUnsafeMutableBytes { buffer -> Int in
                while true {
                    let result = read(descriptor, buffer.baseAddress, buffer.count)
                    if result >= 0 { return result }
                    if errno != EINTR { throw FileReadError(path: path, operation: "read", code: errno) }
                }
            }
            guard count > 0 else {
                finished = true
                close(descriptor)
                descriptor = -1
                return nil
            }
            return count == chunk.count ? chunk : Array(chunk[..<count])
        }
    }
}

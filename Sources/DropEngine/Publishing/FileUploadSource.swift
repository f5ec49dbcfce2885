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
        try files([path])
    }

    /// Files read one after the other as one body: the parts of a stream written at once.
    static func files(_ paths: [String]) throws -> UploadSource {
        let size = try paths.reduce(Int64(0)) { $0 + (try FileStamp(path: $1).size) }
        return UploadSource(length: size) {
            let reader = FileChunkReader(paths: paths)
            return AsyncThrowingStream(unfolding: {
                try await NIOThreadPool.singleton.runIfActive { try reader.next() }.map { ByteBuffer(bytes: $0) }
            })
        }
    }
}

/// Reads files front to back in chunks, one after the other; one reader per upload attempt, used
/// by one attempt at a time (its chunks are asked for one after another), so the lock only makes
/// that explicit.
final class FileChunkReader: @unchecked Sendable {
    static let chunkSize = 1 << 20

    private var paths: ArraySlice<String>
    private var path: String { paths.first ?? "" }
    private let lock = NIOLock()
    private var descriptor: Int32 = -1
    private var finished = false

    init(paths: [String]) {
        self.paths = paths[...]
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The next chunk, or nil at the end of the last file.
    func next() throws -> [UInt8]? {
        try lock.withLock {
            while true {
                if let chunk = try nextOfCurrentFile() { return chunk }
                paths = paths.dropFirst()
                guard !paths.isEmpty else { return nil }
                finished = false
            }
        }
    }

    private func nextOfCurrentFile() throws -> [UInt8]? {
        guard !finished else { return nil }
        if descriptor < 0 {
            descriptor = try RegularFile.openForReading(path)
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

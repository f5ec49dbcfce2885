#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CompressNIO
import NIOCore

/// The decompressed bytes of a gzip file, pulled 64 KiB at a time through CompressNIO's
/// `.gzip` decompressor, so a multi-gigabyte upload costs two small buffers.
///
/// CompressNIO does not say when a gzip member has ended: zlib's `Z_STREAM_END` and an
/// ordinary `Z_OK` both return without throwing. The end shows as a call that returns quietly
/// yet consumed and produced nothing (zlib turns a no-progress `Z_OK` into `Z_BUF_ERROR`,
/// which CompressNIO throws), or that left compressed input unread. Running out of file
/// before that is a truncated archive; zlib itself checks the CRC-32 and length trailer.
/// Members may follow one another (`cat a.gz b.gz` is valid gzip); anything else after the
/// last one is rejected as damage.
///
/// Package-visible: PackageReading's `TarGzReader` reads archives through it.
package final class GzipFileReader {
    package static let chunkSize = 64 * 1024

    let path: String
    private let descriptor: Int32
    private let decompressor: NIODecompressor
    private var compressed: ByteBuffer
    /// Decompressed bytes not yet taken by the caller.
    private var plain: ByteBuffer
    private var fileAtEnd = false
    private var memberEnded = false
    /// Set once the last member has ended and no file is left; nothing more will come.
    private(set) var isAtEnd = false
    /// Sees every compressed byte, in order, as it is read (a dropped file is hashed as dropped).
    private let onCompressedBytes: ((UnsafeRawBufferPointer) -> Void)?
    private let maxExpansionRatio: Int?
    private var compressedCount = 0
    private var plainCount = 0

    /// - Parameter maxExpansionRatio: past `Decompression.expansionAllowance` decompressed bytes,
    ///   more than this many per compressed byte is refused as damage (a decompression bomb).
    package init(path: String, maxExpansionRatio: Int? = nil, onCompressedBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws {
        self.onCompressedBytes = onCompressedBytes
        self.maxExpansionRatio = maxExpansionRatio
        let descriptor = try RegularFile.openForReading(path)
        let decompressor = CompressionAlgorithm.gzip().decompressor
        do {
            try decompressor.startStream()
        } catch {
            close(descriptor)
            throw ArchiveError(kind: .corrupt, path: path, message: "cannot start gunzip: \(error)")
        }
        self.path = path
        self.descriptor = descriptor
        self.decompressor = decompressor
        let allocator = ByteBufferAllocator()
        self.compressed = allocator.buffer(capacity: Self.chunkSize)
        self.plain = allocator.buffer(capacity: Self.chunkSize)
    }

    deinit {
        close(descriptor)
    }

    /// Shows `body` the next decompressed bytes, at most `maxCount` of them, and returns how
    /// many it saw: 0 only at the end of the data.
    package func nextBytes(upTo maxCount: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        precondition(maxCount > 0)
        if plain.readableBytes == 0, try !refill() { return 0 }
        let count = min(maxCount, plain.readableBytes)
        try plain.withUnsafeReadableBytes { bytes in
            try body(UnsafeRawBufferPointer(rebasing: bytes[..<count]))
        }
        plain.moveReaderIndex(forwardBy: count)
        return count
    }

    /// Decompresses until `plain` holds at least one new byte (true) or the data has ended
    /// (false). Only called once `plain` is empty.
    private func refill() throws -> Bool {
        plain.clear()
        while !isAtEnd {
            if memberEnded {
                if compressed.readableBytes == 0, try !readCompressed() {
                    isAtEnd = true
                    return false
                }
                try restart()
            }
            if compressed.readableBytes == 0, !fileAtEnd {
                _ = try readCompressed()
            }
            let readerBefore = compressed.readerIndex
            let writerBefore = plain.writerIndex
            do {
                try decompressor.streamInflate(from: &compressed, to: &plain)
                let progressed = compressed.readerIndex != readerBefore || plain.writerIndex != writerBefore
                if !progressed || compressed.readableBytes > 0 { memberEnded = true }
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // `plain` is full: hand it over.
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                if fileAtEnd {
                    throw ArchiveError(kind: .corrupt, path: path, message: "the gzip data ends early: the file is cut short")
                }
            } catch {
                throw ArchiveError(kind: .corrupt, path: path, message: "not gzip data, or damaged (\(error))")
            }
            if plain.readableBytes > 0 {
                try checkExpansion()
                return true
            }
        }
        return false
    }

    private func checkExpansion() throws {
        plainCount += plain.readableBytes
        guard let maxExpansionRatio, plainCount > Decompression.expansionAllowance,
            plainCount / max(compressedCount, 1) > maxExpansionRatio
        else { return }
        throw ArchiveError(
            kind: .corrupt, path: path,
            message: "it decompresses to more than \(maxExpansionRatio) times its size (maxExpansionRatio): a decompression bomb, or a file to drop uncompressed")
    }

    /// Starts on the gzip member that follows the one that ended.
    private func restart() throws {
        do {
            try decompressor.resetStream()
        } catch {
            throw ArchiveError(kind: .corrupt, path: path, message: "cannot restart gunzip: \(error)")
        }
        memberEnded = false
    }

    /// Reads the next chunk of the file into `compressed`; false at the end of the file.
    private func readCompressed() throws -> Bool {
        if fileAtEnd { return false }
        compressed.clear()
        var received = 0
        compressed.reserveCapacity(minimumWritableBytes: Self.chunkSize)
        try compressed.withUnsafeMutableWritableBytes { space in
            repeat {
                received = read(descriptor, space.baseAddress!, min(space.count, Self.chunkSize))
            } while received < 0 && errno == EINTR
            if received < 0 {
                throw FileReadError(path: path, operation: "read", code: errno)
            }
        }
        if received == 0 {
            fileAtEnd = true
            return false
        }
        compressedCount += received
        compressed.moveWriterIndex(forwardBy: received)
        // `compressed` was cleared above: what is readable is this chunk.
        if let onCompressedBytes { compressed.withUnsafeReadableBytes { onCompressedBytes($0) } }
        return true
    }
}

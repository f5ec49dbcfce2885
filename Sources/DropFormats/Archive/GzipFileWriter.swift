#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CompressNIO
import NIOCore

/// A new file that everything written to it goes into as one gzip member (RFC 1952),
/// compressed 64 KiB at a time with CompressNIO's `.gzip` algorithm (zlib with its own
/// header and CRC-32/ISIZE trailer), so memory stays flat however much passes through.
///
/// CompressNIO reports "the output buffer is full" in two ways: `.no` flushes return quietly
/// with input left over, while `.finish` throws `bufferOverflow` until zlib has written the
/// trailer. Both loops below drain `output` to the file and go again.
///
/// Package-visible for `writeAll` and `describe`, which PackageReading's `TarGzReader` extracts
/// files with.
package final class GzipFileWriter {
    static let chunkSize = 64 * 1024

    let path: String
    private var descriptor: Int32
    private let compressor: NIOCompressor
    private var input: ByteBuffer
    private var output: ByteBuffer

    /// Creates `path`, which must not exist yet: like everything in openlayer-drop, an archive
    /// never replaces a file.
    init(path: String) throws {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            throw ArchiveError(kind: .writeFailed(errno: errno), path: path, message: "cannot create: \(Self.describe(errno))")
        }
        let compressor = CompressionAlgorithm.gzip().compressor
        do {
            try compressor.startStream()
        } catch {
            close(descriptor)
            unlink(path)
            throw ArchiveError(kind: .writeFailed(errno: ENOMEM), path: path, message: "cannot start gzip: \(error)")
        }
        self.path = path
        self.descriptor = descriptor
        self.compressor = compressor
        let allocator = ByteBufferAllocator()
        self.input = allocator.buffer(capacity: Self.chunkSize)
        self.output = allocator.buffer(capacity: Self.chunkSize)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Compresses `bytes`, handing zlib at most one chunk at a time.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let count = min(Self.chunkSize, bytes.count - offset)
            input.clear()
            input.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
            try compressInput()
            offset += count
        }
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Writes `count` zero bytes (tar padding and end blocks).
    func appendZeros(_ count: Int) throws {
        try append([UInt8](repeating: 0, count: count))
    }

    private func compressInput() throws {
        while input.readableBytes > 0 {
            if output.writableBytes == 0 { try drainOutput() }
            do {
                try compressor.streamDeflate(from: &input, to: &output, flush: .no)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                try drainOutput()
            } catch {
                throw ArchiveError(kind: .writeFailed(errno: EIO), path: path, message: "gzip failed: \(error)")
            }
        }
    }

    /// Ends the gzip member (the CRC-32 and length trailer), then fsyncs and closes the file.
    func finish() throws {
        while true {
            if output.writableBytes == 0 { try drainOutput() }
            do {
                try compressor.finishDeflate(to: &output)
                break
            } catch let error as CompressNIOError where error == .bufferOverflow {
                try drainOutput()
            } catch {
                throw ArchiveError(kind: .writeFailed(errno: EIO), path: path, message: "gzip failed: \(error)")
            }
        }
        try drainOutput()
        try? compressor.finishStream()
        guard fsync(descriptor) == 0 else {
            throw ArchiveError(kind: .writeFailed(errno: errno), path: path, message: "fsync failed: \(Self.describe(errno))")
        }
        let result = close(descriptor)
        let closeError = errno
        descriptor = -1
        guard result == 0 else {
            throw ArchiveError(kind: .writeFailed(errno: closeError), path: path, message: "close failed: \(Self.describe(closeError))")
        }
    }

    /// Closes and removes the file: a half-written archive must not be mistaken for one.
    func abandon() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
            unlink(path)
        }
    }

    private func drainOutput() throws {
        try output.withUnsafeReadableBytes { bytes in
            try Self.writeAll(bytes, to: descriptor, path: path)
        }
        output.clear()
    }

    /// `write(2)` until every byte is out, resuming after signals and short writes.
    package static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ArchiveError(kind: .writeFailed(errno: errno), path: path, message: "write failed: \(describe(errno))")
            }
            offset += written
        }
    }

    package static func describe(_ code: Int32) -> String {
        strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }
}

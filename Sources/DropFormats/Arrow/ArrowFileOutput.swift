#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file written through a 1 MiB buffer with plain `write()`: a record batch is
/// dozens of small pieces (markers, metadata, padding, buffers) that would otherwise each be a
/// system call. `finish()` flushes, `fsync`s and closes, so a file handed to the uploader is
/// on disk whole.
final class ArrowFileOutput {
    private static let capacity = 1 << 20

    let path: String
    private var descriptor: Int32
    private let buffer: UnsafeMutableRawPointer
    private var buffered = 0
    /// Bytes given to `write`, buffered or not.
    private(set) var bytesWritten = 0

    /// Creates the file, or truncates the one at `path`.
    init(path: String) throws(ArrowError) {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            throw .system(path: path, operation: "open", errno: errno)
        }
        self.path = path
        self.descriptor = descriptor
        self.buffer = .allocate(byteCount: Self.capacity, alignment: 16)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        buffer.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ArrowError) {
        bytesWritten += bytes.count
        if buffered + bytes.count > Self.capacity {
            try flush()
        }
        if bytes.count >= Self.capacity {
            try writeAll(bytes)
        } else if let base = bytes.baseAddress {
            (buffer + buffered).copyMemory(from: base, byteCount: bytes.count)
            buffered += bytes.count
        }
    }

    func write<T: FixedWidthInteger>(_ value: T) throws(ArrowError) {
        var littleEndian = value.littleEndian
        try withUnsafeBytes(of: &littleEndian) { (raw) throws(ArrowError) in try write(raw) }
    }

    /// Zeros up to the next multiple of 8 of the file's size: Arrow's body alignment.
    func padToEight() throws(ArrowError) {
        let zeros: UInt64 = 0
        let count = (8 - bytesWritten % 8) % 8
        try withUnsafeBytes(of: zeros) { (raw) throws(ArrowError) in try write(UnsafeRawBufferPointer(rebasing: raw[0..<count])) }
    }

    /// Flushes and closes; `durable` first waits until the bytes are on disk.
    func finish(durable: Bool = true) throws(ArrowError) {
        try flush()
        guard !durable || fsync(descriptor) == 0 else {
            throw .system(path: path, operation: "fsync", errno: errno)
        }
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else {
            throw .system(path: path, operation: "close", errno: errno)
        }
    }

    private func flush() throws(ArrowError) {
        let pending = UnsafeRawBufferPointer(start: buffer, count: buffered)
        buffered = 0
        try writeAll(pending)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(ArrowError) {
        guard descriptor >= 0 else { throw .writerClosed(path: path) }
        var done = 0
        while done < bytes.count {
            let result = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if result < 0 {
                if errno == EINTR { continue }
                throw .system(path: path, operation: "write", errno: errno)
            }
            done += result
        }
    }
}

/// The C `write`, which the method of the same name hides inside the class.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

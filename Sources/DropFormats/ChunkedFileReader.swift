#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DropJSON

/// A sliding window over a file, or over one byte range of it, filled 64 KiB at a time with
/// plain `read()`.
///
/// The readers parse straight out of this window, so a file of any size costs memory
/// proportional to its largest record, not to the file. Every chunk is shown to `onBytes`
/// before anything parses it, which lets the engine hash the file in the same pass that
/// reads its rows instead of reading multi-gigabyte files twice. A range lets several readers
/// share one big file, each its own segment, on its own core.
///
/// A gzip file (`Decompression.gzip`) is decompressed into the window as it is read, never
/// whole; `onBytes` then sees the compressed bytes, the file as dropped. Compressed data that is
/// damaged ends the window as the end of the file would, with `damage` saying why: the readers
/// stop there and the survey reports it.
///
/// Package-visible: PackageReading's Arrow stream reader reads through it too.
package final class ChunkedFileReader {
    static let chunkSize = 64 * 1024

    let path: String
    /// The file, read plainly; -1 for a gzip file, which `gzip` reads.
    private let descriptor: Int32
    private let onBytes: ((UnsafeRawBufferPointer) -> Void)?
    /// The `ReadStop` in force when the reader was opened, checked before every chunk.
    private let stop: ReadStop?
    /// Bytes `0..<count` are valid; the readers keep offsets into them.
    private(set) var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    package private(set) var count = 0
    /// Set once `read()` has returned 0, or the range is read; nothing more will arrive.
    private(set) var isAtEnd = false
    /// Where `storage[0]` is in the file.
    private(set) var windowOffset: Int64
    /// Bytes of the range not read yet; nil reads to the end of the file.
    private var unread: Int64?
    /// The decompressor of a gzip file, which reads the file itself.
    private let gzip: GzipFileReader?
    /// Why the decompressed bytes ended before the file did: damaged or truncated gzip data, or
    /// too large an expansion. nil for a file read to its end.
    private(set) var damage: String?

    /// - Parameter range: the bytes to read; nil for the whole file. A range starting past 0
    ///   is read as it is: no byte order mark is looked for there.
    ///   A gzip file is read whole: it has no places to start in the middle.
    package init(
        path: String, range: Range<Int64>? = nil, decompression: Decompression = .none, onBytes: ((UnsafeRawBufferPointer) -> Void)?
    ) throws(FileReadError) {
        if case .gzip(let maxExpansionRatio) = decompression {
            precondition(range == nil, "a gzip file is read whole")
            do {
                gzip = try GzipFileReader(path: path, maxExpansionRatio: maxExpansionRatio, onCompressedBytes: onBytes)
            } catch let error as FileReadError {
                throw error
            } catch {
                throw FileReadError(path: path, errno: EIO, message: "cannot start gunzip: \(error)")
            }
        } else {
            gzip = nil
        }
        let descriptor = gzip == nil ? try RegularFile.openForReading(path) : -1
        if let range, range.lowerBound > 0, lseek(descriptor, off_t(range.lowerBound), SEEK_SET) < 0 {
            let code = errno
            close(descriptor)
            throw FileReadError(path: path, operation: "seek", code: code)
        }
        self.path = path
        self.descriptor = descriptor
        self.onBytes = gzip == nil ? onBytes : nil
        stop = ReadStop.current
        self.capacity = 2 * Self.chunkSize
        self.storage = .allocate(capacity: capacity)
        self.windowOffset = range?.lowerBound ?? 0
        self.unread = range.map { $0.upperBound - $0.lowerBound }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        storage.deallocate()
    }

    /// The valid bytes, for parsers that want bounds-aware slices.
    package var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage, count: count)
    }

    /// Forgets bytes `0..<offset` (records already returned) by moving the rest to the
    /// front. Callers subtract `offset` from every offset they hold.
    package func discard(upTo offset: Int) {
        precondition(offset >= 0 && offset <= count)
        guard offset > 0 else { return }
        let remaining = count - offset
        if remaining > 0 {
            memmove(storage, storage + offset, remaining)  // the regions overlap
        }
        count = remaining
        windowOffset += Int64(offset)
    }

    /// Appends one more chunk to the window. Returns false at the end of the file.
    /// `storage` may move, so callers must re-read it after calling this.
    func fill() throws(FileReadError) -> Bool {
        if isAtEnd { return false }
        if let stop, stop.isRaised { throw .stopped(path: path) }
        if capacity - count < Self.chunkSize {
            let newCapacity = max(capacity * 2, count + Self.chunkSize)
            let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newStorage.update(from: storage, count: count)
            storage.deallocate()
            storage = newStorage
            capacity = newCapacity
        }
        if let gzip { return try fill(from: gzip) }
        let wanted = unread.map { Int(min($0, Int64(Self.chunkSize))) } ?? Self.chunkSize
        var received = 0
        if wanted > 0 {
            repeat {
                received = read(descriptor, storage + count, wanted)
            } while received < 0 && errno == EINTR
        }
        guard received >= 0 else {
            throw FileReadError(path: path, operation: "read", code: errno)
        }
        if received == 0 {
            isAtEnd = true
            return false
        }
        onBytes?(UnsafeRawBufferPointer(start: storage + count, count: received))
        count += received
        unread? -= Int64(received)
        return true
    }

    /// `fill()` from the decompressor: a chunk of decompressed bytes.
    private func fill(from gzip: GzipFileReader) throws(FileReadError) -> Bool {
        var received = 0
        do {
            received = try gzip.nextBytes(upTo: Self.chunkSize) { bytes in
                (storage + count).update(from: bytes.bindMemory(to: UInt8.self).baseAddress!, count: bytes.count)
            }
        } catch let error as FileReadError {
            throw error
        } catch let error as ArchiveError {
            damage = error.message
        } catch {
            damage = "\(error)"
        }
        guard received > 0 else {
            isAtEnd = true
            return false
        }
        count += received
        return true
    }

    /// Fills until at least `minimum` bytes are in the window or the file ends, for
    /// look-ahead such as the byte order mark.
    package func fill(atLeast minimum: Int) throws(FileReadError) {
        while count < minimum, try fill() {}
    }

    /// Skips a UTF-8 byte order mark at the very start of the file. Returns where the text
    /// starts: 3 if there was one, else 0. It still goes to `onBytes`: the hash is the file's.
    func skipByteOrderMark() throws(FileReadError) -> Int {
        try fill(atLeast: 3)
        let mark = ASCII.byteOrderMark
        if count >= 3, storage[0] == mark.0, storage[1] == mark.1, storage[2] == mark.2 {
            return 3
        }
        return 0
    }
}

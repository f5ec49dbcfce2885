#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DropFormats

/// Reads a .tar.gz entry by entry (for the local sandbox server, which unpacks what it
/// receives).
///
/// The archive comes from outside, so nothing is trusted: gzip damage, a header whose
/// checksum does not match and an archive that stops mid-entry are `.corrupt`; a name that is
/// absolute or climbs out with ".." is `.unsafeName`; links and devices are `.unsupported`.
/// After `.unsafeName` or `.unsupported` the offending entry can be skipped with `next()`;
/// after anything else the reader stops and every call throws `.misuse`.
///
/// Contents are streamed: `extractContents(to:)` copies 64 KiB at a time and
/// `readContents(limit:)` refuses entries larger than the caller can hold.
public final class TarGzReader {
    public let path: String
    private let gzip: GzipFileReader
    private var current: TarEntry?
    /// Contents of the current (or rejected) entry not read yet, and the padding after them.
    private var unread: Int64 = 0
    private var padding: Int64 = 0
    private var contentsTaken = false
    private var ended = false
    private var failed = false

    public init(path: String) throws {
        self.path = path
        self.gzip = try GzipFileReader(path: path)
    }

    /// The next file or directory, skipping whatever of the current one was not read, or nil
    /// at the end of the archive. At the end the rest of the gzip stream is read as well, so
    /// its CRC-32 is checked.
    public func next() throws -> TarEntry? {
        try checkUsable()
        if ended { return nil }
        return try reading { () throws -> TarEntry? in
            try skipRemainder()
            current = nil
            var extended = TarExtendedHeader()
            while true {
                guard let block = try gzip.nextBytes(exactly: TarHeader.blockSize) else {
                    // The data stopped on a block boundary without end blocks; Python's
                    // tarfile accepts that too, and gzip has vouched for the bytes.
                    ended = true
                    return nil
                }
                guard block.count == TarHeader.blockSize else {
                    throw corrupt("the archive ends inside a header")
                }
                guard let header = try decode(block) else {
                    ended = true
                    try gzip.drain()
                    return nil
                }
                unread = header.size
                padding = Self.padding(after: header.size)
                switch header.typeflag {
                case TarHeader.TypeFlag.paxRecords:
                    let records = try metadata(header)
                    do throws(TarHeaderProblem) {
                        try extended.apply(paxRecords: records)
                    } catch {
                        throw problem(error, entry: header.name)
                    }
                case TarHeader.TypeFlag.gnuLongName:
                    extended.apply(gnuLongName: try metadata(header))
                case TarHeader.TypeFlag.paxGlobalRecords, TarHeader.TypeFlag.gnuLongLinkName:
                    try skipRemainder()
                case TarHeader.TypeFlag.file, TarHeader.TypeFlag.oldFile, TarHeader.TypeFlag.contiguousFile,
                    TarHeader.TypeFlag.directory:
                    return try entry(header, extended)
                default:
                    throw ArchiveError(
                        kind: .unsupported, path: path, entry: extended.path ?? header.name,
                        message: "entry type \(Self.describe(header.typeflag)) is not unpacked; only files and directories")
                }
            }
        }
    }

    /// The contents of the current entry, which must not be larger than `limit` bytes
    /// (`.tooLarge` otherwise, and the entry can still be extracted or skipped).
    public func readContents(limit: Int) throws -> [UInt8] {
        let entry = try currentForContents()
        guard entry.size <= Int64(limit) else {
            throw ArchiveError(
                kind: .tooLarge, path: path, entry: entry.name,
                message: "\(entry.size) bytes is more than the \(limit) allowed")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(entry.size))
        try reading {
            contentsTaken = true
            try streamContents { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Streams the current entry to a new file at `path` (mode 0644; the file must not exist),
    /// fsyncs and closes it. On failure the partial file is removed.
    public func extractContents(to path: String) throws {
        let entry = try currentForContents()
        guard !entry.isDirectory else {
            throw ArchiveError(kind: .misuse, path: self.path, entry: entry.name, message: "a directory has no contents to extract")
        }
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            throw ArchiveError(
                kind: .writeFailed(errno: errno), path: path, entry: entry.name,
                message: "cannot create: \(GzipFileWriter.describe(errno))")
        }
        do {
            try reading {
                contentsTaken = true
                try streamContents { try GzipFileWriter.writeAll($0, to: descriptor, path: path) }
            }
            guard fsync(descriptor) == 0 else {
                throw ArchiveError(
                    kind: .writeFailed(errno: errno), path: path, message: "fsync failed: \(GzipFileWriter.describe(errno))")
            }
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let code = errno
            unlink(path)
            throw ArchiveError(kind: .writeFailed(errno: code), path: path, message: "close failed: \(GzipFileWriter.describe(code))")
        }
    }

    // MARK: -

    private func entry(_ header: TarHeader, _ extended: TarExtendedHeader) throws -> TarEntry {
        let name = extended.path ?? header.name
        let nameIsUTF8 = extended.path == nil ? header.nameIsUTF8 : extended.pathIsUTF8
        if let size = extended.size {
            unread = size
            padding = Self.padding(after: size)
        }
        guard nameIsUTF8 else {
            throw ArchiveError(kind: .unsupported, path: path, entry: name, message: "entry name is not UTF-8")
        }
        guard TarHeader.isSafeName(name) else {
            throw ArchiveError(
                kind: .unsafeName, path: path, entry: name,
                message: "entry name is absolute or contains \"..\"; refusing to unpack outside the target")
        }
        let entry = TarEntry(name: name, isDirectory: header.typeflag == TarHeader.TypeFlag.directory, size: unread)
        current = entry
        contentsTaken = false
        return entry
    }

    /// The contents of a metadata entry (pax records, GNU long name), padding skipped.
    private func metadata(_ header: TarHeader) throws -> [UInt8] {
        guard header.size <= TarExtendedHeader.maximumSize else {
            throw corrupt("an extended header of \(header.size) bytes is implausibly large")
        }
        var bytes: [UInt8] = []
        try streamContents { bytes.append(contentsOf: $0) }
        try skipRemainder()
        return bytes
    }

    private func decode(_ block: [UInt8]) throws -> TarHeader? {
        do throws(TarHeaderProblem) {
            return try TarHeader.decode(block)
        } catch {
            throw problem(error, entry: nil)
        }
    }

    private func problem(_ problem: TarHeaderProblem, entry: String?) -> ArchiveError {
        ArchiveError(kind: .corrupt, path: path, entry: entry, message: problem.message)
    }

    /// Hands the unread contents of the current entry to `sink`, chunk by chunk.
    private func streamContents(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        while unread > 0 {
            let count = try gzip.nextBytes(upTo: Int(min(unread, Int64(GzipFileReader.chunkSize))), sink)
            guard count > 0 else { throw corrupt("the archive ends inside an entry's contents") }
            unread -= Int64(count)
        }
    }

    private func skipRemainder() throws {
        guard try gzip.skip(unread + padding) else {
            throw corrupt("the archive ends inside an entry's contents")
        }
        unread = 0
        padding = 0
    }

    private func currentForContents() throws -> TarEntry {
        try checkUsable()
        guard let entry = current else {
            throw ArchiveError(kind: .misuse, path: path, message: "no current entry; call next() first")
        }
        guard !contentsTaken else {
            throw ArchiveError(kind: .misuse, path: path, entry: entry.name, message: "the contents were already read")
        }
        return entry
    }

    private func checkUsable() throws {
        if failed {
            throw ArchiveError(kind: .misuse, path: path, message: "an earlier error stopped reading this archive")
        }
    }

    /// Runs `body`; errors that leave the position in the stream unknown stop the reader.
    private func reading<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ArchiveError where error.kind == .unsafeName || error.kind == .unsupported {
            current = nil  // `next()` skips the rejected entry's contents
            throw error
        } catch {
            failed = true
            throw error
        }
    }

    private func corrupt(_ message: String) -> ArchiveError {
        ArchiveError(kind: .corrupt, path: path, entry: current?.name, message: message)
    }

    private static func padding(after size: Int64) -> Int64 {
        let remainder = size % Int64(TarHeader.blockSize)
        return remainder == 0 ? 0 : Int64(TarHeader.blockSize) - remainder
    }

    private static func describe(_ typeflag: UInt8) -> String {
        let kinds: [UInt8: String] = [
            UInt8(ascii: "1"): "hard link", UInt8(ascii: "2"): "symbolic link",
            UInt8(ascii: "3"): "character device", UInt8(ascii: "4"): "block device",
            UInt8(ascii: "6"): "FIFO", UInt8(ascii: "S"): "GNU sparse file",
        ]
        let flag = (32..<127).contains(typeflag) ? "'\(Character(Unicode.Scalar(typeflag)))'" : "\(typeflag)"
        return kinds[typeflag].map { "\(flag) (\($0))" } ?? flag
    }
}

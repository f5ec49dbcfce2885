#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a gzip-compressed ustar archive to `path`, entry by entry.
///
/// Openlayer's Python SDK uploads a reference dataset as a tarball of
/// `reference_dataset/dataset.csv` and `reference_dataset/dataset_config.yaml`; this writes the
/// same thing without Python. Datasets can be gigabytes, so `addFile(_:copying:)` streams the
/// file through 64 KiB at a time and nothing here grows with the archive.
///
/// Entries appear in the order they are added. Names are checked before any byte is written,
/// so a rejected name leaves the archive usable. A failure after bytes went out (a source file
/// that changed, a full disk) would leave a header that lies, so the writer gives up: it
/// removes the file and every later call throws `.misuse`. An archive that is dropped without
/// `finish()` is removed as well; only a finished archive is ever left at `path`.
public final class TarGzWriter {
    public let path: String
    private let gzip: GzipFileWriter
    private var state = State.open

    private enum State {
        case open, finished, failed
    }

    /// Creates the archive at `path`, which must not exist yet (an archive never replaces a
    /// file; `.writeFailed(errno: EEXIST)` otherwise).
    public init(path: String) throws {
        self.path = path
        self.gzip = try GzipFileWriter(path: path)
    }

    deinit {
        if state == .open { gzip.abandon() }
    }

    /// Adds a directory entry (mode 0755); a trailing "/" is added when missing, as tar does.
    public func addDirectory(_ name: String) throws {
        let name = name.hasSuffix("/") ? name : name + "/"
        let header = try header(name, typeflag: TarHeader.TypeFlag.directory, size: 0, mode: 0o755, mtime: Self.now)
        try writing { try gzip.append(header) }
    }

    /// Adds a regular file (mode 0644) whose contents are already in memory, such as the
    /// dataset config.
    public func addFile(_ name: String, contents: [UInt8]) throws {
        let size = Int64(contents.count)
        let header = try header(name, typeflag: TarHeader.TypeFlag.file, size: size, mode: 0o644, mtime: Self.now)
        try writing {
            try gzip.append(header)
            try gzip.append(contents)
            try gzip.appendZeros(Self.padding(after: size))
        }
    }

    /// Adds the regular file at `sourcePath` (mode 0644, its own modification time), copied in
    /// chunks. The size in the header comes from `fstat`; the file must not change meanwhile,
    /// and if it does (`.sourceChanged`) the archive is abandoned.
    public func addFile(_ name: String, copying sourcePath: String) throws {
        try checkOpen()
        let source = try TarSourceFile(path: sourcePath)
        let header = try header(
            name, typeflag: TarHeader.TypeFlag.file, size: source.size, mode: 0o644, mtime: source.modificationTime)
        try writing {
            try gzip.append(header)
            try source.copy(chunkSize: GzipFileWriter.chunkSize) { try gzip.append($0) }
            try gzip.appendZeros(Self.padding(after: source.size))
        }
    }

    /// Ends the archive: two zero blocks, the gzip trailer, then fsync and close. Only after
    /// this returns is the file at `path` a complete archive.
    public func finish() throws {
        try checkOpen()
        try writing {
            try gzip.appendZeros(2 * TarHeader.blockSize)
            try gzip.finish()
        }
        state = .finished
    }

    // MARK: -

    /// The header block for a new entry, after checking the writer is open and the name is
    /// safe and fits; nothing has been written when this throws.
    private func header(_ name: String, typeflag: UInt8, size: Int64, mode: Int, mtime: Int64) throws -> [UInt8] {
        try checkOpen()
        guard TarHeader.isSafeName(name) else {
            throw ArchiveError(
                kind: .unsafeName, path: path, entry: name,
                message: "entry names must be relative and must not contain \"..\"")
        }
        if typeflag != TarHeader.TypeFlag.directory, name.hasSuffix("/") {
            throw ArchiveError(kind: .misuse, path: path, entry: name, message: "a file name cannot end in \"/\"")
        }
        let header = TarHeader(name: name, typeflag: typeflag, size: size, mode: mode, mtime: mtime)
        guard let block = header.encoded() else {
            throw ArchiveError(
                kind: .unsupported, path: path, entry: name,
                message: "name too long for ustar: at most 100 bytes, or 255 split at a \"/\"")
        }
        return block
    }

    private func checkOpen() throws {
        switch state {
        case .open:
            return
        case .finished:
            throw ArchiveError(kind: .misuse, path: path, message: "the archive is already finished")
        case .failed:
            throw ArchiveError(kind: .misuse, path: path, message: "an earlier error abandoned this archive")
        }
    }

    /// Runs `body`, which writes to the archive; if it fails, the archive is abandoned.
    private func writing(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            state = .failed
            gzip.abandon()
            throw error
        }
    }

    private static func padding(after size: Int64) -> Int {
        let remainder = Int(size % Int64(TarHeader.blockSize))
        return remainder == 0 ? 0 : TarHeader.blockSize - remainder
    }

    private static var now: Int64 {
        Int64(time(nil))
    }
}

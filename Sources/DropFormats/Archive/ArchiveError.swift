/// Why a tar.gz archive could not be written or read, other than the operating system failing
/// to open or read a file (that stays a `FileReadError`, as everywhere in this module).
///
/// The sandbox server unpacks archives that arrive over the network, so each way an archive can
/// be damaged or hostile has its own `Kind`: a caller can answer "bad upload" for `.corrupt` or
/// `.unsafeName` and "our fault" for `.writeFailed` without parsing messages.
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Writing the archive or an extracted file failed; `errno` says why (ENOSPC, EEXIST…).
        case writeFailed(errno: Int32)
        /// Not gzip, damaged compressed data, a header whose checksum does not match, or an
        /// archive that ends in the middle of an entry.
        case corrupt
        /// An entry name that is absolute or climbs out of the archive with `..`.
        case unsafeName
        /// Something this small implementation deliberately does not do: names longer than
        /// ustar can hold, links, devices.
        case unsupported
        /// The file being copied into the archive changed while it was read, so the header
        /// already written no longer describes it.
        case sourceChanged
        /// `TarGzReader.readContents(limit:)` met an entry larger than the limit.
        case tooLarge
        /// A call that does not fit the object's state (after `finish()`, contents read twice…).
        case misuse
    }

    public var kind: Kind
    /// The archive (or, for `.sourceChanged`, the file being copied) the error is about.
    public var path: String
    /// The entry concerned, when there is one.
    public var entry: String?
    /// What went wrong, for logs and for the person who sent the archive.
    public var message: String

    public init(kind: Kind, path: String, entry: String? = nil, message: String) {
        self.kind = kind
        self.path = path
        self.entry = entry
        self.message = message
    }

    public var description: String {
        if let entry {
            return "\(path): \(entry): \(message)"
        }
        return "\(path): \(message)"
    }
}

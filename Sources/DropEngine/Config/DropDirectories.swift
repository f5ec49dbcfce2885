import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where files wait, go when done, go when refused, and where the service keeps its state.
///
/// By default all four live under one root:
/// `inbox/<pipeline>/`, `archive/<pipeline>/YYYY/MM/DD/`, `rejected/<pipeline>/`, `state/`
/// (the journal, and `processing/<pipeline>/` for the file in work).
public struct DropDirectories: Sendable, Equatable {
    public var inbox: String
    public var archive: String
    public var rejected: String
    public var state: String
    /// Whether the archive, `rejected/` and the state may be read by the service's group (for
    /// a reader account); by default they are the service user's alone, whatever the umask:
    /// dropped data, receipts and the journal are not for every local account.
    public var groupReadable = false

    /// The mode of the archive, `rejected/` and state folders.
    public var directoryMode: mode_t { groupReadable ? 0o750 : 0o700 }
    /// The mode of the receipts, reports and status files written into them.
    public var fileMode: mode_t { groupReadable ? 0o640 : 0o600 }

    /// Makes the archive, `rejected/` and state folders, and gives them `directoryMode`: what
    /// they hold is out of other accounts' reach even when a file in them keeps its dropper's mode.
    public func prepareOutputFolders() throws {
        for path in [archive, rejected, state] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard chmod(path, directoryMode) == 0 else { throw EngineError.writeFailed(path: path, errno: errno) }
        }
    }

    public init(inbox: String, archive: String, rejected: String, state: String) {
        self.inbox = inbox
        self.archive = archive
        self.rejected = rejected
        self.state = state
    }

    public init(root: String) {
        self.init(inbox: root + "/inbox", archive: root + "/archive", rejected: root + "/rejected", state: root + "/state")
    }

    /// Makes a pipeline's inbox folders (one per kind, for producers to drop into) and its
    /// processing folders.
    public func preparePipelineFolders(_ pipeline: String) throws {
        for kind in FileKind.allCases {
            for base in [inbox, processing] {
                try FileManager.default.createDirectory(atPath: kind.path(under: base, pipeline: pipeline), withIntermediateDirectories: true)
            }
        }
    }

    public func inbox(of pipeline: String) -> String { inbox + "/" + pipeline }
    /// Where a pipeline's file sits while it is in work, out of reach of writers that reuse its name.
    public func processing(of pipeline: String) -> String { processing + "/" + pipeline }
    public var processing: String { state + "/processing" }
    public var journal: String { state + "/journal.sqlite" }
    /// What the running service says of a pipeline's health, for `status`.
    public func healthFile(of pipeline: String) -> String { state + "/health/" + pipeline + ".json" }
}

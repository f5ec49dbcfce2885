import GRDB

extension FileKind: DatabaseValueConvertible {}

/// How a file's rows reach Openlayer, decided once per file and journaled, so that a resumed
/// file goes on the way it started.
public enum PublishMode: String, Sendable, Codable, DatabaseValueConvertible {
    /// Requests of rows (`data-stream`, or a `PUT rows` per ground truth).
    case stream
    /// One upload through presigned storage (an Arrow file, or a reference tarball).
    case bulk
}

/// Where a file is in its life: queued → publishing → published → archived, or to rejected,
/// or to duplicate. `JournalFile.advance(to:)` is the one place a state changes, and
/// `successors` the one list of the moves allowed.
public enum FileState: String, Sendable, Codable, DatabaseValueConvertible {
    /// Claimed from the inbox, not yet checked.
    case queued
    /// Checked; batches are being sent. Acknowledged batches are in `JournalBatch`.
    case publishing
    /// Every row is acknowledged or set aside; the file still waits to be archived.
    case published
    case archived
    /// Refused as a whole; moved to `rejected/`.
    case rejected
    /// The same content was already published to the pipeline; archived without sending.
    case duplicate

    /// The states a file may move to from this one. Back to `queued` or `publishing` only when
    /// the file was written to after its check (`ChangedDuringPublish`): checked again as new
    /// while no batch of it was sent, or finished setting the added rows aside.
    public var successors: Set<FileState> {
        switch self {
        case .queued: [.publishing, .rejected, .duplicate]
        case .publishing: [.queued, .publishing, .published, .rejected]
        case .published: [.queued, .publishing, .archived, .rejected]
        case .archived, .rejected, .duplicate: []
        }
    }
}

/// One dropped file, from the moment it is claimed.
public struct JournalFile: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "file"

    public var id: Int64?
    public var pipeline: String
    public var kind: FileKind
    /// The name it was dropped under.
    public var name: String
    /// Where it sits while in work (`state/processing/<pipeline>/…`).
    public var claimedPath: String
    /// Changed only by `advance(to:)`, which keeps to `FileState.successors`.
    public internal(set) var state: FileState
    /// Lowercase hex SHA-256 of the content; known once checked.
    public var sha256: String?
    public var size: Int64
    public var rowCount: Int?
    /// The UNIX seconds given to rows without a timestamp, fixed at the first attempt so that
    /// a resumed file sends what the interrupted attempt would have.
    public var defaultTimestamp: Int64?
    public var claimedAt: String
    public var publishStartedAt: String?
    public var finishedAt: String?
    /// Where it goes: its path in the archive or in `rejected/` (the receipt or report beside
    /// it), journaled before it is moved there.
    public var finalPath: String?
    /// The file set aside rows went to, when any were.
    public var rejectedRowsPath: String?
    /// For a duplicate: the journal id of the file first published with this content.
    public var duplicateOf: Int64?
    /// Why the file was rejected, or the last error that held it up.
    public var note: String?
    /// How the file is published, decided once when publishing starts.
    public var mode: PublishMode?
    /// Where a bulk file or reference dataset was uploaded.
    public var storageUri: String?
    /// How many of its rows were given a generated inference id. The journal keeps no
    /// fingerprint of those: the file's SHA-256 and its row count give them back. nil for files
    /// journaled before this was counted, whose generated ids are among the fingerprints.
    public var generatedIds: Int?
    /// The SHA-256 of the version whose rows were sent, when the file was written to during its
    /// publish and the new version begins with that one (rows were added): `sha256` is then the
    /// new version's, and every row not acknowledged before the change is set aside, never sent.
    public var earlierSha256: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// Moves the file to `next`, which must be one of its state's `successors`: a step out of
    /// order is a fault in the engine, stopped before the journal records it.
    mutating func advance(to next: FileState) throws {
        guard state.successors.contains(next) else {
            throw EngineError.journal("\(name): cannot go from \(state.rawValue) to \(next.rawValue)")
        }
        state = next
    }
}

/// The outcome of one request: a range of row ordinals (1-based, inclusive) of a file.
public struct JournalBatch: Sendable, Codable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "batch"

    public enum Outcome: String, Sendable, Codable, DatabaseValueConvertible {
        /// The server answered 2xx: these rows are published and are never sent again.
        case acknowledged
        /// The server refused the content (a 4xx other than 401/403): the rows go to the
        /// file's rejected rows with `message`.
        case refused
    }

    public var fileId: Int64
    public var firstOrdinal: Int
    public var lastOrdinal: Int
    /// Rows the request carried (the range may also hold rows set aside by validation).
    public var rows: Int
    public var outcome: Outcome
    public var message: String?
    public var at: String

    public func contains(_ ordinal: Int) -> Bool {
        firstOrdinal <= ordinal && ordinal <= lastOrdinal
    }
}

// Row coding written out: GRDB's `Codable` path builds a decoder or encoder per row and costs
// more than the query itself when the journal handles many small files.

extension JournalFile {
    public init(row: Row) throws {
        id = row["id"]
        pipeline = row["pipeline"]
        kind = row["kind"]
        name = row["name"]
        claimedPath = row["claimedPath"]
        state = row["state"]
        sha256 = row["sha256"]
        size = row["size"]
        rowCount = row["rowCount"]
        defaultTimestamp = row["defaultTimestamp"]
        claimedAt = row["claimedAt"]
        publishStartedAt = row["publishStartedAt"]
        finishedAt = row["finishedAt"]
        finalPath = row["finalPath"]
        rejectedRowsPath = row["rejectedRowsPath"]
        duplicateOf = row["duplicateOf"]
        note = row["note"]
        mode = row["mode"]
        storageUri = row["storageUri"]
        generatedIds = row["generatedIds"]
        earlierSha256 = row["earlierSha256"]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["pipeline"] = pipeline
        container["kind"] = kind
        container["name"] = name
        container["claimedPath"] = claimedPath
        container["state"] = state
        container["sha256"] = sha256
        container["size"] = size
        container["rowCount"] = rowCount
        container["defaultTimestamp"] = defaultTimestamp
        container["claimedAt"] = claimedAt
        container["publishStartedAt"] = publishStartedAt
        container["finishedAt"] = finishedAt
        container["finalPath"] = finalPath
        container["rejectedRowsPath"] = rejectedRowsPath
        container["duplicateOf"] = duplicateOf
        container["note"] = note
        container["mode"] = mode
        container["storageUri"] = storageUri
        container["generatedIds"] = generatedIds
        container["earlierSha256"] = earlierSha256
    }
}

extension JournalBatch {
    public init(row: Row) throws {
        fileId = row["fileId"]
        firstOrdinal = row["firstOrdinal"]
        lastOrdinal = row["lastOrdinal"]
        rows = row["rows"]
        outcome = row["outcome"]
        message = row["message"]
        at = row["at"]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["fileId"] = fileId
        container["firstOrdinal"] = firstOrdinal
        container["lastOrdinal"] = lastOrdinal
        container["rows"] = rows
        container["outcome"] = outcome
        container["message"] = message
        container["at"] = at
    }
}

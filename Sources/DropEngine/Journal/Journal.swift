import Foundation
import GRDB

/// The delivery journal: what happened to every claimed file and every request, in SQLite
/// (WAL), in the state directory.
///
/// It is the service's memory across crashes. It advances only after the fact it records is
/// true — a batch is written as acknowledged only after a 2xx — and every write is a durable
/// transaction (`synchronous = FULL`), so after a kill -9 or a power cut it never claims more
/// than happened. At worst it claims less: the batches in flight at a crash are sent again,
/// carrying the same inference ids.
public final class Journal: Sendable {
    private let database: DatabasePool
    /// The SQLite file; its write-ahead log sits beside it as `<path>-wal`.
    public let path: String

    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        // `upload` and `status` may use the journal while the service runs: wait for a lock
        // instead of failing.
        configuration.busyMode = .timeout(30)
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        database = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
    }

    /// The journal's size on disk: the database and its write-ahead log, which holds the
    /// recent writes until a checkpoint folds them in.
    public var bytesOnDisk: Int {
        [path, path + "-wal"].reduce(0) { total, file in
            var info = stat()
            return total + (stat(file, &info) == 0 ? Int(info.st_size) : 0)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "file") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("pipeline", .text).notNull()
                table.column("name", .text).notNull()
                table.column("claimedPath", .text).notNull()
                table.column("state", .text).notNull()
                table.column("sha256", .text)
                table.column("size", .integer).notNull()
                table.column("rowCount", .integer)
                table.column("defaultTimestamp", .integer)
                table.column("claimedAt", .text).notNull()
                table.column("publishStartedAt", .text)
                table.column("finishedAt", .text)
                table.column("finalPath", .text)
                table.column("rejectedRowsPath", .text)
                table.column("duplicateOf", .integer)
                table.column("note", .text)
            }
            try db.create(index: "file_by_identity", on: "file", columns: ["pipeline", "sha256"])
            try db.create(index: "file_by_claim", on: "file", columns: ["claimedPath", "state"])
            try db.create(table: "batch") { table in
                table.column("fileId", .integer).notNull().references("file", onDelete: .cascade)
                table.column("firstOrdinal", .integer).notNull()
                table.column("lastOrdinal", .integer).notNull()
                table.column("rows", .integer).notNull()
                table.column("outcome", .text).notNull()
                table.column("message", .text)
                table.column("at", .text).notNull()
            }
            try db.create(index: "batch_by_file", on: "batch", columns: ["fileId"])
        }
        migrator.registerMigration("v2: kinds, bulk, inference ids") { db in
            try db.alter(table: "file") { table in
                table.add(column: "kind", .text).notNull().defaults(to: FileKind.predictions.rawValue)
                table.add(column: "mode", .text)
                table.add(column: "storageUri", .text)
            }
            // The inference ids this service sent, so that a ground truth for an id it never
            // published can be pointed out (ids may come from elsewhere: a warning, no more).
            try db.create(table: "inferenceId") { table in
                table.column("pipeline", .text).notNull()
                table.column("id", .text).notNull()
                table.column("fileId", .integer).notNull().references("file", onDelete: .cascade)
            }
            try db.create(index: "inferenceId_by_id", on: "inferenceId", columns: ["pipeline", "id"])
        }
        migrator.registerMigration("v3: inference id fingerprints, a blob per batch", migrate: migrateToFingerprints)
        migrator.registerMigration("v4: generated ids counted, not fingerprinted") { db in
            try db.alter(table: "file") { table in table.add(column: "generatedIds", .integer) }
        }
        migrator.registerMigration("v5: destinations reserved before a file is moved; files written to during their publish") { db in
            try db.execute(sql: "CREATE INDEX file_by_reserved_path ON file(finalPath) WHERE state IN \(unfinishedStates)")
            try db.alter(table: "file") { table in table.add(column: "earlierSha256", .text) }
        }
        return migrator
    }

    // MARK: Files

    /// Records a file just claimed from the inbox.
    public func claim(pipeline: String, kind: FileKind, name: String, claimedPath: String, size: Int64, at date: Date) throws -> JournalFile {
        try database.write { db in
            var file = JournalFile(
                pipeline: pipeline, kind: kind, name: name, claimedPath: claimedPath, state: .queued, size: size,
                claimedAt: Self.timestamp(date))
            try file.insert(db)
            return file
        }
    }

    /// The states of a file still in work, as SQL: `('queued', 'publishing', 'published')`.
    private static let unfinishedStates = "('queued', 'publishing', 'published')"

    /// The pipeline's files still in work, oldest first: a restart takes each up again.
    public func unfinishedFiles(pipeline: String) throws -> [JournalFile] {
        try database.read { db in
            try JournalFile.fetchAll(
                db, sql: "SELECT * FROM file WHERE pipeline = ? AND state IN \(Self.unfinishedStates) ORDER BY id", arguments: [pipeline])
        }
    }

    /// Journals `file` with `finalPath` set to the first path `choose` returns that no other
    /// file in work has reserved, in one transaction: two files of the same name finishing
    /// together never count on the same destination. `choose` is asked again, with the
    /// reserved paths so far, while its answer is taken.
    func reserveFinalPath(_ file: inout JournalFile, choose: (_ isReserved: (String) throws -> Bool) throws -> String) throws {
        guard let id = file.id else { throw EngineError.journal("\(file.name): updated before it was claimed") }
        file = try database.write { [file] db in
            var file = file
            file.finalPath = try choose { path in
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM file WHERE finalPath = ? AND state IN \(Self.unfinishedStates) AND id != ?",
                    arguments: [path, id]) ?? false
            }
            try Self.update(file, id: id, db)
            return file
        }
    }

    /// The unfinished entry for a file in the processing folder, if any.
    public func unfinishedFile(claimedPath: String) throws -> JournalFile? {
        try database.read { db in
            try JournalFile
                .filter(Column("claimedPath") == claimedPath)
                .filter([FileState.queued, .publishing, .published].map(\.rawValue).contains(Column("state")))
                .order(Column("id").desc)
                .fetchOne(db)
        }
    }

    /// The first file of the pipeline that was published with this content, if any.
    public func publishedFile(pipeline: String, kind: FileKind, sha256: String, excluding id: Int64?) throws -> JournalFile? {
        try database.read { db in
            try JournalFile.fetchOne(db.cachedStatement(sql: """
                SELECT * FROM file WHERE pipeline = ? AND sha256 = ? AND kind = ? AND state IN ('published', 'archived') AND id IS NOT ?
                ORDER BY id LIMIT 1
                """), arguments: [pipeline, sha256, kind, id])
        }
    }

    public func update(_ file: JournalFile) throws {
        guard let id = file.id else { throw EngineError.journal("\(file.name): updated before it was claimed") }
        try database.write { db in try Self.update(file, id: id, db) }
    }

    private static func update(_ file: JournalFile, id: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: Self.updateFile).execute(arguments: [
            file.pipeline, file.kind, file.name, file.claimedPath, file.state, file.sha256, file.size, file.rowCount,
            file.defaultTimestamp, file.claimedAt, file.publishStartedAt, file.finishedAt, file.finalPath, file.rejectedRowsPath,
            file.duplicateOf, file.note, file.mode, file.storageUri, file.generatedIds, file.earlierSha256, id,
        ])
    }

    private static let updateFile = """
        UPDATE file SET pipeline = ?, kind = ?, name = ?, claimedPath = ?, state = ?, sha256 = ?, size = ?, rowCount = ?,
        defaultTimestamp = ?, claimedAt = ?, publishStartedAt = ?, finishedAt = ?, finalPath = ?, rejectedRowsPath = ?,
        duplicateOf = ?, note = ?, mode = ?, storageUri = ?, generatedIds = ?, earlierSha256 = ? WHERE id = ?
        """

    public func file(id: Int64) throws -> JournalFile? {
        try database.read { db in try JournalFile.fetchOne(db.cachedStatement(sql: "SELECT * FROM file WHERE id = ?"), arguments: [id]) }
    }

    // MARK: Batches

    /// Records a batch's outcome, and with an acknowledgement the fingerprints of the inference
    /// ids it carried, in one transaction: one row for the batch, one blob for its ids.
    public func record(_ batch: JournalBatch, inferenceIds: [String] = [], pipeline: String = "") throws {
        try record(batch, fingerprints: InferenceIdFingerprint.pack(inferenceIds), pipeline: pipeline)
    }

    /// `record(_:inferenceIds:pipeline:)` with the ids already packed as fingerprints.
    func record(_ batch: JournalBatch, fingerprints: [UInt8], pipeline: String) throws {
        let kept = batch.outcome == .acknowledged && !fingerprints.isEmpty ? fingerprints : nil
        try database.write { db in
            try batch.insert(db)
            if let kept { try Self.insert(kept, pipeline: pipeline, fileId: batch.fileId, db) }
        }
    }

    /// Records the fingerprints of inference ids sent in bulk (before the upload is
    /// acknowledged: the file's state says whether they were published).
    func recordInferenceIds(fingerprints: [UInt8], pipeline: String, fileId: Int64) throws {
        guard !fingerprints.isEmpty else { return }
        try database.write { db in try Self.insert(fingerprints, pipeline: pipeline, fileId: fileId, db) }
    }

    /// Drops the ids a file noted while its bulk upload was written, before it is written again.
    func forgetInferenceIds(fileId: Int64) throws {
        try database.write { db in try db.execute(sql: "DELETE FROM inferenceIdSet WHERE fileId = ?", arguments: [fileId]) }
    }

    private static func insert(_ fingerprints: [UInt8], pipeline: String, fileId: Int64, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO inferenceIdSet (fileId, pipeline, fingerprints) VALUES (?, ?, ?)",
            arguments: [fileId, pipeline, Data(fingerprints)])
    }

    /// Of `ids`, those never sent to the pipeline by a file that got published.
    ///
    /// Given ids are looked up among the fingerprints. An id that could be a generated one
    /// (`InferenceIdGenerator.UUIDBytes`) and is not found there is looked for among the ids the
    /// published files were given, regenerated from each file's SHA-256, newest file first,
    /// until every such id is found: a ground truth usually follows its predictions closely.
    public func unknownInferenceIds(_ ids: [String], pipeline: String) throws -> [String] {
        let found = try publishedFingerprints(among: ids, pipeline: pipeline, excluding: nil)
        let notGiven = ids.filter { !found.contains(InferenceIdFingerprint.of($0)) }
        var candidates = Set(notGiven.compactMap(InferenceIdGenerator.UUIDBytes.init(generatedId:)))
        guard !candidates.isEmpty else { return notGiven }
        let generated = try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT COALESCE(earlierSha256, sha256) AS sha256, rowCount FROM file
                WHERE pipeline = ? AND kind = ? AND state IN ('published', 'archived') AND generatedIds > 0 AND sha256 IS NOT NULL
                ORDER BY id DESC
                """, arguments: [pipeline, FileKind.predictions.rawValue])
        }
        var regenerated: Set<InferenceIdGenerator.UUIDBytes> = []
        for file in generated where !candidates.isEmpty {
            guard let digest = FileDigest.bytes(hex: file["sha256"]), digest.count == 32, let rows: Int = file["rowCount"] else { continue }
            let generator = InferenceIdGenerator(fileDigest: digest)
            for ordinal in stride(from: 1, through: rows, by: 1) where !candidates.isEmpty {
                let uuid = generator.uuid(forRow: ordinal)
                if candidates.remove(uuid) != nil { regenerated.insert(uuid) }
            }
        }
        return notGiven.filter { id in InferenceIdGenerator.UUIDBytes(generatedId: id).map { !regenerated.contains($0) } ?? true }
    }

    /// Of `ids`, those another file already published to the pipeline: rows about to be
    /// published twice (Openlayer does not de-duplicate), unless the ids are reused on purpose.
    /// - Parameter excluding: the file being checked, whose own ids the journal may hold already.
    public func publishedInferenceIds(_ ids: [String], pipeline: String, excluding fileId: Int64? = nil) throws -> [String] {
        let found = try publishedFingerprints(among: ids, pipeline: pipeline, excluding: fileId)
        return ids.filter { found.contains(InferenceIdFingerprint.of($0)) }
    }

    /// The fingerprints of `ids` that published files of the pipeline carried: one pass over
    /// the pipeline's blobs, with only the asked ids in memory. Ask for many ids at once.
    private func publishedFingerprints(among ids: [String], pipeline: String, excluding fileId: Int64?) throws -> Set<UInt64> {
        let wanted = Set(ids.map(InferenceIdFingerprint.of))
        var found: Set<UInt64> = []
        try database.read { db in
            let blobs = try Data.fetchCursor(db, sql: """
                SELECT inferenceIdSet.fingerprints FROM inferenceIdSet JOIN file ON file.id = inferenceIdSet.fileId
                WHERE inferenceIdSet.pipeline = ? AND inferenceIdSet.fileId IS NOT ? AND file.state IN ('published', 'archived')
                """, arguments: [pipeline, fileId])
            while let blob = try blobs.next() {
                InferenceIdFingerprint.forEach(in: Array(blob)) { if wanted.contains($0) { found.insert($0) } }
            }
        }
        return found
    }

    /// Forgets the files that finished (archived, rejected, duplicate) before `date`, with
    /// their batches and inference ids. Files still in work are never forgotten.
    /// - Returns: how many files were forgotten.
    @discardableResult
    public func forgetFiles(finishedBefore date: Date) throws -> Int {
        let cutoff = Self.timestamp(date)
        return try database.write { db in
            try db.execute(
                sql: "DELETE FROM file WHERE state IN ('archived', 'rejected', 'duplicate') AND finishedAt IS NOT NULL AND finishedAt < ?",
                arguments: [cutoff])
            return db.changesCount
        }
    }

    public func batches(fileId: Int64) throws -> [JournalBatch] {
        try database.read { db in
            try JournalBatch.fetchAll(db.cachedStatement(sql: "SELECT * FROM batch WHERE fileId = ? ORDER BY firstOrdinal"), arguments: [fileId])
        }
    }

    static func timestamp(_ date: Date) -> String {
        UTCTime.iso8601(date)
    }

    /// The ids of the v2 journal, one row each, become one fingerprint blob per file.
    private static func migrateToFingerprints(_ db: Database) throws {
        try db.create(table: "inferenceIdSet") { table in
            table.column("fileId", .integer).notNull().references("file", onDelete: .cascade)
            table.column("pipeline", .text).notNull()
            table.column("fingerprints", .blob).notNull()
        }
        try db.create(index: "inferenceIdSet_by_pipeline", on: "inferenceIdSet", columns: ["pipeline"])
        let rows = try Row.fetchCursor(db, sql: "SELECT fileId, pipeline, id FROM inferenceId ORDER BY fileId")
        var current: (fileId: Int64, pipeline: String)?
        var ids: [String] = []
        func flush() throws {
            guard let current, !ids.isEmpty else { return }
            try insert(InferenceIdFingerprint.pack(ids), pipeline: current.pipeline, fileId: current.fileId, db)
            ids.removeAll(keepingCapacity: true)
        }
        while let row = try rows.next() {
            let fileId: Int64 = row["fileId"]
            if current?.fileId != fileId {
                try flush()
                current = (fileId, row["pipeline"])
            }
            ids.append(row["id"])
        }
        try flush()
        try db.drop(table: "inferenceId")
    }
}

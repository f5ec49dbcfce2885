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

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        database = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
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
        return migrator
    }

    // MARK: Files

    /// Records a file just claimed from the inbox.
    public func claim(pipeline: String, name: String, claimedPath: String, size: Int64, at date: Date) throws -> JournalFile {
        try database.write { db in
            var file = JournalFile(
                pipeline: pipeline, name: name, claimedPath: claimedPath, state: .queued, size: size,
                claimedAt: Self.timestamp(date))
            try file.insert(db)
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
    public func publishedFile(pipeline: String, sha256: String, excluding id: Int64?) throws -> JournalFile? {
        try database.read { db in
            try JournalFile
                .filter(Column("pipeline") == pipeline && Column("sha256") == sha256)
                .filter([FileState.published, .archived].map(\.rawValue).contains(Column("state")))
                .filter(Column("id") != id)
                .order(Column("id"))
                .fetchOne(db)
        }
    }

    public func update(_ file: JournalFile) throws {
        try database.write { db in try file.update(db) }
    }

    public func file(id: Int64) throws -> JournalFile? {
        try database.read { db in try JournalFile.fetchOne(db, key: id) }
    }

    // MARK: Batches

    public func record(_ batch: JournalBatch) throws {
        try database.write { db in try batch.insert(db) }
    }

    public func batches(fileId: Int64) throws -> [JournalBatch] {
        try database.read { db in
            try JournalBatch.filter(Column("fileId") == fileId).order(Column("firstOrdinal")).fetchAll(db)
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

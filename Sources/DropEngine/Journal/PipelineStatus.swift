import DropFormats
import Foundation
import GRDB

/// What `openlayer-drop status` shows of one pipeline, read from the journal, the inbox and
/// the health file — all readable while the service runs (the journal is in WAL mode).
public struct PipelineStatus: Sendable, Codable, Equatable {
    public var pipeline: String
    /// Files in the inbox, not yet claimed.
    public var waiting: Int
    /// Claimed, not yet checked.
    public var queued: Int
    public var publishing: Int
    /// Published but not yet archived (a move that keeps failing shows here).
    public var publishedNotArchived: Int
    public var publishedToday: Int
    public var rowsPublishedToday: Int
    public var rejectedToday: Int
    public var duplicatesToday: Int
    /// When the last file was archived.
    public var lastSuccess: String?
    /// `healthy`, `retrying`, `paused`, or `unknown` when the service has not run.
    public var health: HealthSnapshot.State
    public var reason: String?
    public var nextAttempt: String?

    /// Reads the status of every pipeline of `config`. "Today" is the UTC day.
    /// - Parameter isDrop: whether a name in the inbox is a finished drop, as the watcher
    ///   decides it (`InboxWatcher.FileNameFilter`): a writer's scratch file is not waiting.
    public static func read(_ config: DropConfig, now: Date = Date(), isDrop: (String) -> Bool) throws -> [PipelineStatus] {
        let journalPath = config.directories.journal
        let reader: DatabaseQueue? = FileManager.default.fileExists(atPath: journalPath)
            ? try DatabaseQueue(path: journalPath, configuration: readOnly) : nil
        let today = String(Journal.timestamp(now).prefix(10))
        return try config.pipelines.map { pipeline in
            var status = PipelineStatus(
                pipeline: pipeline.name, waiting: waitingFiles(config, pipeline.name, isDrop: isDrop), queued: 0, publishing: 0,
                publishedNotArchived: 0, publishedToday: 0, rowsPublishedToday: 0, rejectedToday: 0, duplicatesToday: 0,
                lastSuccess: nil, health: .unknown)
            try reader?.read { db in
                func count(_ sql: String, _ arguments: StatementArguments) throws -> Int {
                    try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
                }
                let name = pipeline.name
                status.queued = try count("SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'queued'", [name])
                status.publishing = try count("SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'publishing'", [name])
                status.publishedNotArchived = try count("SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'published'", [name])
                status.publishedToday = try count("SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'archived' AND substr(finishedAt, 1, 10) = ?", [name, today])
                status.rejectedToday = try count("SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'rejected' AND substr(finishedAt, 1, 10) = ?", [name, today])
                status.duplicatesToday = try count("SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'duplicate' AND substr(finishedAt, 1, 10) = ?", [name, today])
                status.rowsPublishedToday = try count("""
                    SELECT COALESCE(SUM(batch.rows), 0) FROM batch JOIN file ON file.id = batch.fileId
                    WHERE file.pipeline = ? AND file.state = 'archived' AND substr(file.finishedAt, 1, 10) = ? AND batch.outcome = 'acknowledged'
                    """, [name, today])
                status.lastSuccess = try String.fetchOne(db, sql: "SELECT MAX(finishedAt) FROM file WHERE pipeline = ? AND state = 'archived'", arguments: [name])
            }
            if let data = FileManager.default.contents(atPath: config.directories.healthFile(of: pipeline.name)),
                let health = try? JSONDecoder().decode(HealthSnapshot.self, from: data)
            {
                status.health = health.state
                status.reason = health.reason
                status.nextAttempt = health.nextAttempt
            }
            return status
        }
    }

    private static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    private static func waitingFiles(_ config: DropConfig, _ pipeline: String, isDrop: (String) -> Bool) -> Int {
        FileKind.allCases.reduce(0) { total, kind in
            let folder = kind.path(under: config.directories.inbox, pipeline: pipeline)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            return total + names.filter { name in isDrop(name) && EntryType(path: folder + "/" + name) == .regularFile }.count
        }
    }
}

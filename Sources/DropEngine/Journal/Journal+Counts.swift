import Foundation
import GRDB

extension Journal {
    /// How many files of a pipeline are in each state, and what was finished on one day.
    public struct PipelineCounts: Sendable, Equatable {
        public var queued = 0
        public var publishing = 0
        public var publishedNotArchived = 0
        public var publishedOnDay = 0
        public var rowsPublishedOnDay = 0
        public var rejectedOnDay = 0
        public var duplicatesOnDay = 0
        /// When the last file was archived.
        public var lastSuccess: String?
    }

    /// The counts of each of `pipelines` in the journal at `path`, read without writing: the
    /// journal of a running service (WAL) can be read by another process, and a journal not
    /// there yet is not made. `day` is a UTC date, `YYYY-MM-DD`.
    public static func counts(atPath path: String, pipelines: [String], day: String) throws -> [String: PipelineCounts] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        var configuration = Configuration()
        configuration.readonly = true
        // The service may hold a lock for a moment (starting up, a checkpoint): wait for it
        // rather than print nothing.
        configuration.busyMode = .timeout(10)
        let reader = try DatabaseQueue(path: path, configuration: configuration)
        return try reader.read { db in
            func count(_ sql: String, _ arguments: StatementArguments) throws -> Int {
                try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
            var all: [String: PipelineCounts] = [:]
            for name in pipelines {
                var counts = PipelineCounts()
                counts.queued = try count("SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'queued'", [name])
                counts.publishing = try count("SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'publishing'", [name])
                counts.publishedNotArchived = try count("SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'published'", [name])
                counts.publishedOnDay = try count(
                    "SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'archived' AND substr(finishedAt, 1, 10) = ?", [name, day])
                counts.rejectedOnDay = try count(
                    "SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'rejected' AND substr(finishedAt, 1, 10) = ?", [name, day])
                counts.duplicatesOnDay = try count(
                    "SELECT COUNT(*) FROM file WHERE pipeline = ? AND state = 'duplicate' AND substr(finishedAt, 1, 10) = ?", [name, day])
                counts.rowsPublishedOnDay = try count("""
                    SELECT COALESCE(SUM(batch.rows), 0) FROM batch JOIN file ON file.id = batch.fileId
                    WHERE file.pipeline = ? AND file.state = 'archived' AND substr(file.finishedAt, 1, 10) = ? AND batch.outcome = 'acknowledged'
                    """, [name, day])
                counts.lastSuccess = try String.fetchOne(
                    db, sql: "SELECT MAX(finishedAt) FROM file WHERE pipeline = ? AND state = 'archived'", arguments: [name])
                all[name] = counts
            }
            return all
        }
    }
}

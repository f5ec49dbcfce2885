import DropFormats
import Foundation

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
        let today = String(Journal.timestamp(now).prefix(10))
        let counts = try Journal.counts(atPath: config.directories.journal, pipelines: config.pipelines.map(\.name), day: today)
        return config.pipelines.map { pipeline in
            let journaled = counts[pipeline.name] ?? Journal.PipelineCounts()
            var status = PipelineStatus(
                pipeline: pipeline.name, waiting: waitingFiles(config, pipeline.name, isDrop: isDrop), queued: journaled.queued,
                publishing: journaled.publishing, publishedNotArchived: journaled.publishedNotArchived, publishedToday: journaled.publishedOnDay,
                rowsPublishedToday: journaled.rowsPublishedOnDay, rejectedToday: journaled.rejectedOnDay, duplicatesToday: journaled.duplicatesOnDay,
                lastSuccess: journaled.lastSuccess, health: .unknown)
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

    private static func waitingFiles(_ config: DropConfig, _ pipeline: String, isDrop: (String) -> Bool) -> Int {
        FileKind.allCases.reduce(0) { total, kind in
            let folder = kind.path(under: config.directories.inbox, pipeline: pipeline)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            return total + names.filter { name in isDrop(name) && EntryType(path: folder + "/" + name) == .regularFile }.count
        }
    }
}

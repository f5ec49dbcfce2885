import DropFormats
import Foundation
import Logging
import OpenlayerAPI

/// Takes one dropped file from the inbox to its end — published and archived with a receipt,
/// archived as a duplicate, or moved to `rejected/` with a report — recording every step in
/// the journal so that any step can be resumed after a crash.
///
/// Steps, each recorded before the next begins, each in a file of its own:
/// 1. `claim` (`FileProcessor+Claiming`): the file moves from the inbox to
///    `state/processing/<pipeline>/` (state queued), so a writer that reuses its name makes a
///    new file instead of changing this one.
/// 2. survey, then `settle` (`FileProcessor+Deciding`): read once for its SHA-256, rows and
///    problems; a duplicate or a file beyond saving ends here (duplicate, rejected).
/// 3. `publish` (`FileProcessor+Publishing`, state publishing): batches out, each outcome
///    journaled as it lands.
/// 4. `archive` (`FileProcessor+Ending`): state published, with the archive path it will take
///    (`JournaledPlacement`): rows set aside move to `rejected/`, the file moves to the
///    archive, its receipt is written beside it (state archived). A failing move is retried;
///    nothing is sent again.
///
/// `carryToArchive` below reads as that story, top to bottom. The state moves allowed are
/// listed once, in `FileState.successors`.
public struct FileProcessor: Sendable {
    public let binding: PipelineBinding
    let directories: DropDirectories
    let archivist: Archivist
    let placement: JournaledPlacement
    let journal: Journal
    let client: OpenlayerClient
    let plans: [FileKind: ColumnPlan]
    let delivery: BatchDelivery
    let metrics: PipelineMetrics
    let logger: Logger
    /// Told how far each survey has read (`openlayer-drop upload` shows it while it checks).
    public var surveyProgress: SurveyProgress?

    public enum Result: Sendable {
        case published(Receipt)
        case duplicate(Receipt)
        /// The path of the report beside the rejected file.
        case rejected(report: String)
        /// The file was gone before it could be read (deleted or moved by someone else).
        case vanished
    }

    public init(
        binding: PipelineBinding, directories: DropDirectories, journal: Journal, health: PipelineHealth,
        retry: RetryPolicy, client: OpenlayerClient, logger: Logger
    ) {
        self.binding = binding
        self.directories = directories
        self.archivist = Archivist(directories: directories)
        self.placement = JournaledPlacement(journal: journal, archivist: archivist)
        self.journal = journal
        self.client = client
        let config = binding.config
        self.plans = Dictionary(uniqueKeysWithValues: FileKind.allCases.map {
            ($0, ColumnPlan(taskType: config.taskType, dataConfig: config.dataConfig, purpose: $0))
        })
        let pipelineId = binding.inferencePipelineId
        // Reading the pipeline back: authenticated, small, and it touches the API's storage.
        let retrying = RetryingCall(policy: retry, health: health) { (try? await client.inferencePipeline(id: pipelineId)) != nil }
        let metrics = health.metrics ?? PipelineMetrics(pipeline: binding.config.name)
        self.metrics = metrics
        self.delivery = BatchDelivery(retrying: retrying) { batch throws(OpenlayerError) in
            try await metrics.dataRequest { () throws(OpenlayerError) in
                try await client.streamData(pipelineId: pipelineId, batch: batch)
                return batch.byteCount
            }
        }
        var logger = logger
        logger[metadataKey: "pipeline"] = "\(binding.config.name)"
        self.logger = logger
    }

    var pipeline: String { binding.config.name }
    var settings: PublishSettings { binding.config.publish }
    var pipelineId: String { binding.inferencePipelineId }

    /// `<pipeline>` or `<pipeline>/<kind folder>`, under the archive, `rejected/` and processing folders.
    func folder(_ kind: FileKind) -> String { kind.path(under: "", pipeline: pipeline).dropFirst().description }

    /// Carries a claimed file as far as it can go. Throws when it must stay in the
    /// processing folder and be taken up again: shutdown, a failed move, a read error.
    /// - Parameter isCurrent: the entry was just read from or written to the journal (a claim,
    ///   a leftover), so it need not be read again; a retried entry may be stale.
    public func process(_ entry: JournalFile, isCurrent: Bool = false) async throws -> Result {
        switch try await carryToArchive(entry, isCurrent: isCurrent) {
        case .finished(let result): result
        case .readyToArchive(let ready): try archive(ready)
        }
    }

    /// Where `carryToArchive` left a file.
    public enum Progress: Sendable {
        /// Its end: a duplicate, a rejection, a vanished file.
        case finished(Result)
        /// Every row published or set aside (journaled as published); only the archive is left.
        case readyToArchive(ReadyToArchive)
    }

    /// A published file and what its survey found, for `archive(_:)`.
    public struct ReadyToArchive: Sendable {
        public var file: JournalFile
        let survey: FileSurvey
    }

    /// `process` up to the archive: the service archives a file beside the next one's
    /// publishing, since nothing in the archive step reaches Openlayer.
    public func carryToArchive(_ entry: JournalFile, isCurrent: Bool = false) async throws -> Progress {
        var file = isCurrent ? entry : try entry.id.flatMap(journal.file(id:)) ?? entry
        guard [.queued, .publishing, .published].contains(file.state) else { return .finished(.vanished) }
        let logger = logger(for: file)
        let location = JournaledPlacement.currentLocation(of: file)
        switch DroppedEntry(path: location) {
        case .regularFile:
            break
        case .missing:
            return .finished(try vanished(&file, logger: logger))
        case .refused(let reason):
            // Only ever a new claim: a file past its first check was a regular file then, and
            // the processing folder is the service's own.
            return .finished(try rejectWhole(&file, at: location, report: RejectionReport(
                fileName: file.name, pipeline: pipeline, when: Journal.timestamp(Date()), problems: [reason]), logger: logger))
        }
        guard let format = SourceFormat(fileName: file.name) else {
            return .finished(try rejectWhole(&file, at: location, report: RejectionReport(
                fileName: file.name, pipeline: pipeline, when: Journal.timestamp(Date()),
                problems: ["expected a .csv, .jsonl or .ndjson file, or one of them gzip-compressed (.csv.gz); the extension says what format to read"]), logger: logger))
        }
        let plan = plans[file.kind]!
        if file.kind == .groundTruths, plan.groundTruthColumn == nil {
            return .finished(try rejectWhole(&file, at: location, report: RejectionReport(
                fileName: file.name, pipeline: pipeline, when: Journal.timestamp(Date()),
                problems: ["the pipeline's data config names no ground-truth column: set labelColumnName, targetColumnName or groundTruthColumnName"]),
                logger: logger))
        }
        // The window, if any, is around the claim: a file resumed after a restart gets the same verdicts.
        let claimed = (try? Date(file.claimedAt, strategy: .iso8601)) ?? Date()
        let timestamps = TimestampRule(windowDays: settings.timestampWindowDays, now: Int64(claimed.timeIntervalSince1970))
        let survey = try await stoppingAtShutdown {
            try FileSurvey.survey(
                path: location, format: format, plan: plan, timestamps: timestamps,
                scratchDirectory: URL(fileURLWithPath: file.claimedPath).deletingLastPathComponent().path,
                workers: settings.workers, segmentMinimumBytes: settings.segmentMinimumBytes, limits: settings.limits,
                decompression: Decompression(fileName: file.name, maxExpansionRatio: settings.limits.maxExpansionRatio),
                progress: surveyProgress)
        }

        if file.state != .queued, file.sha256 != survey.sha256 {
            // Written to after an earlier pass checked it: never publish the rest of another version.
            if let early = try changedDuringPublish(&file, survey: survey, logger: logger) { return .finished(early) }
        }
        // A file settled now has no batch yet: batches are journaled only while publishing.
        let settledNow = file.state == .queued
        if settledNow {
            if let early = try settle(&file, survey: survey, logger: logger) { return .finished(early) }
        }
        if file.state == .publishing {
            try await publish(&file, survey: survey, plan: plan, isFirstPass: settledNow, logger: logger)
        }
        return .readyToArchive(ReadyToArchive(file: file, survey: survey))
    }

    func logger(for file: JournalFile) -> Logger {
        var logger = logger
        logger[metadataKey: "file"] = "\(file.name)"
        return logger
    }
}

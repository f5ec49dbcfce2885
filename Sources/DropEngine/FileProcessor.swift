import DropFormats
import Foundation
import Logging
import OpenlayerAPI

/// Takes one dropped file from the inbox to its end — published and archived with a receipt,
/// archived as a duplicate, or moved to `rejected/` with a report — recording every step in
/// the journal so that any step can be resumed after a crash.
///
/// Steps, each recorded before the next begins:
/// 1. `claim`: the file moves from the inbox to `state/processing/<pipeline>/` (state queued),
///    so a writer that reuses its name makes a new file instead of changing this one.
/// 2. check: read once for its SHA-256, rows and problems; a duplicate or a file beyond
///    saving ends here (duplicate, rejected).
/// 3. publish (state publishing): batches out, each outcome journaled as it lands.
/// 4. state published, with the archive path it will take (`JournaledPlacement`): rows set
///    aside move to `rejected/`, the file moves to the archive, its receipt is written beside
///    it (state archived). A failing move is retried; nothing is sent again.
public struct FileProcessor: Sendable {
    public let binding: PipelineBinding
    let directories: DropDirectories
    let archivist: Archivist
    let placement: JournaledPlacement
    let journal: Journal
    let client: OpenlayerClient
    let plans: [FileKind: ColumnPlan]
    let delivery: BatchDelivery
    let logger: Logger

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
        self.delivery = BatchDelivery(retrying: retrying) { batch throws(OpenlayerError) in
            try await client.streamData(pipelineId: pipelineId, batch: batch)
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

    // MARK: Claiming

    /// Moves a finished file out of the inbox into the processing folder and journals it.
    /// Returns nil when the file is already gone.
    public func claim(_ inboxPath: String, kind: FileKind) throws -> JournalFile? {
        guard let stamp = try? FileStamp(path: inboxPath) else { return nil }
        let name = URL(fileURLWithPath: inboxPath).lastPathComponent
        let claimed: String
        do {
            claimed = try NoOverwriteMove.move(inboxPath, into: kind.path(under: directories.processing, pipeline: pipeline), name: name)
        } catch EngineError.moveFailed(_, _, let code) where code == ENOENT {
            return nil
        }
        return try journal.claim(pipeline: pipeline, kind: kind, name: name, claimedPath: claimed, size: stamp.size, at: Date())
    }

    /// Claims a copy of a file anywhere on disk (for `openlayer-drop upload`): the original
    /// stays where it is; the copy keeps its modification time, the default timestamp of rows.
    /// A symbolic link given here is followed (the user named it), and the copy keeps the
    /// link's name; the copy is what is read.
    public func claimCopy(of path: String, kind: FileKind) throws -> JournalFile {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let source = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let folder = kind.path(under: directories.processing, pipeline: pipeline)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let staging = folder + "/.copy-" + UUID().uuidString
        do {
            try ParallelFileCopy.copy(from: source, to: staging, threads: settings.workers)
        } catch {
            unlink(staging)
            throw error
        }
        if let modified = try FileManager.default.attributesOfItem(atPath: source)[.modificationDate] as? Date {
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: staging)
        }
        let claimed = try NoOverwriteMove.move(staging, into: folder, name: name)
        return try journal.claim(pipeline: pipeline, kind: kind, name: name, claimedPath: claimed, size: try FileStamp(path: claimed).size, at: Date())
    }

    /// Files an earlier run left in the processing folders, oldest first, with their journal
    /// entries (a file claimed just before a crash may have none yet).
    public func leftovers() throws -> [JournalFile] {
        var entries: [JournalFile] = []
        for kind in FileKind.allCases {
            let folder = kind.path(under: directories.processing, pipeline: pipeline)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }
            for name in names {
                let path = folder + "/" + name
                // Anything but a directory (the kinds' own folders): a link or a FIFO is refused
                // when it is processed, not left behind.
                guard let stamp = try? FileStamp(path: path), EntryType(path: path) != .directory else { continue }
                if let entry = try journal.unfinishedFile(claimedPath: path) {
                    entries.append(entry)
                } else {
                    entries.append(try journal.claim(pipeline: pipeline, kind: kind, name: name, claimedPath: path, size: stamp.size, at: Date()))
                }
            }
        }
        // A file moved to the archive or rejected/ just before a crash, its journal entry not
        // yet finished: no longer in a processing folder, but still in work.
        let found = Set(entries.compactMap(\.id))
        for entry in try journal.unfinishedFiles(pipeline: pipeline) where entry.id.map(found.contains) == false {
            if FileIdentity(path: entry.claimedPath) == nil { entries.append(entry) }
        }
        return entries.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }

    // MARK: Processing

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
                decompression: Decompression(fileName: file.name, maxExpansionRatio: settings.limits.maxExpansionRatio))
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

    /// A file whose content is not what the journal checked (`ChangedDuringPublish`). Without a
    /// batch journaled it is checked again as a new file; with rows added, it is finished
    /// sending nothing more; otherwise it goes to `rejected/` whole, the report saying what of the
    /// earlier version was sent.
    private func changedDuringPublish(_ file: inout JournalFile, survey: FileSurvey, logger: Logger) throws -> Result? {
        guard let id = file.id else { return nil }
        let batches = try journal.batches(fileId: id)
        // A refused batch counts too: its rows are accounted for, and the counts must add up.
        guard !batches.isEmpty else {
            try file.advance(to: .queued)
            return nil
        }
        let change = try ChangedDuringPublish(file: file, batches: batches, newSize: survey.byteCount, location: survey.path)
        guard change.isAppended else {
            return try rejectWhole(&file, at: survey.path, report: RejectionReport(
                survey: survey, fileName: file.name, pipeline: pipeline, when: Journal.timestamp(Date()),
                extra: ["the file changed while it was being published, and is not the checked version with rows added: \(change.sentDescription) of the earlier version (sha256 \(change.earlierSha256)) were published, and \(change.idsDescription); no row of this version was sent, and it is here whole"]),
                logger: logger)
        }
        logger.warning("written to while it was being published: rows added after the check are set aside, not sent", metadata: [
            "sent": "\(change.sentDescription)", "earlierSha256": "\(change.earlierSha256)",
        ])
        file.earlierSha256 = change.earlierSha256
        file.sha256 = survey.sha256
        file.size = survey.byteCount
        file.rowCount = survey.rowCount
        file.note = "written to while it was being published: \(change.sentDescription) of the earlier version were sent; \(change.idsDescription); the rows added after them were not sent"
        // The pass that sets the unsent rows aside runs even for a file that was all sent.
        try file.advance(to: .publishing)
        try journal.update(file)
        return nil
    }

    /// Decides the fate of a file that was just checked: duplicate, rejected, or to publish.
    private func settle(_ file: inout JournalFile, survey: FileSurvey, logger: Logger) throws -> Result? {
        file.sha256 = survey.sha256
        file.size = survey.byteCount
        file.rowCount = survey.rowCount
        file.generatedIds = plans[file.kind]!.fillsDefaults ? survey.rowsWithoutInferenceId : 0
        if settings.duplicates == .skip,
            let first = try journal.publishedFile(pipeline: pipeline, kind: file.kind, sha256: survey.sha256, excluding: file.id)
        {
            return try archiveDuplicate(&file, of: first, survey: survey, logger: logger)
        }
        var problems = survey.fileProblems
        if problems.isEmpty, let threshold = survey.thresholdProblem(maxInvalidRowFraction: settings.maxInvalidRowFraction) {
            problems.append(threshold)
        }
        guard problems.isEmpty else {
            var report = RejectionReport(survey: survey, fileName: file.name, pipeline: pipeline, when: Journal.timestamp(Date()))
            report.fileProblems = problems
            return try rejectWhole(&file, at: survey.path, report: report, logger: logger)
        }
        if let known = try? FileValidation.alreadyPublished(survey, plan: plans[file.kind]!, pipeline: pipeline, journal: journal, excluding: file.id) {
            logger.warning("rows carry inference ids already published by an earlier file; sent all the same", metadata: [
                "count": "\(known.count)", "examples": "\(known.examples.joined(separator: ", "))",
            ])
        }
        let now = Date()
        try file.advance(to: .publishing)
        file.publishStartedAt = Journal.timestamp(now)
        file.defaultTimestamp = settings.timestampDefault == .uploadTime ? Int64(now.timeIntervalSince1970) : survey.modificationTime
        file.mode = settings.isBulk(file.kind, rows: survey.rowCount) ? .bulk : .stream
        try journal.update(file)
        return nil
    }

    /// Publishes the file the one way its kind and mode call for (`PublishingChoice`).
    /// - Parameter isFirstPass: the file was settled just now, so the journal holds no batch of it.
    private func publish(_ file: inout JournalFile, survey: FileSurvey, plan: ColumnPlan, isFirstPass: Bool, logger: Logger) async throws {
        guard let id = file.id, let defaultTimestamp = file.defaultTimestamp else { return }
        var prior = isFirstPass ? [] : try journal.batches(fileId: id)
        if file.earlierSha256 != nil, let rows = file.rowCount {
            prior += ChangedDuringPublish.unsettled(rowCount: rows, batches: prior, fileId: id)
        }
        if !prior.isEmpty {
            logger.info("resuming", metadata: ["acknowledgedRows": "\(prior.filter { $0.outcome == .acknowledged }.reduce(0) { $0 + $1.rows })"])
        }
        let rejects = RejectedRowsWriter(claimedPath: file.claimedPath, format: survey.format, header: survey.format == .csv ? survey.columns : nil)
        let context = PublishingContext(
            journal: journal, client: client, settings: settings, delivery: delivery, pipeline: pipeline, pipelineId: pipelineId)
        let publishing = PublishingChoice.publishing(kind: file.kind, mode: file.mode ?? .stream, prior: prior, context: context)
        var job = PublishJob(survey: survey, plan: plan, defaultTimestamp: defaultTimestamp, prior: prior, rejects: rejects)
        job.resumesInterruptedPublish = !isFirstPass
        do {
            try await publishing.publish(&file, job)
            _ = try rejects.close()
        } catch {
            rejects.discard()
            throw error
        }
        try file.advance(to: .published)
        try reserveArchivePath(&file)
    }

    /// Journals the path the published file will take in the archive (with its new state: one
    /// write), so that a crash while it is moved there leaves the way to finish.
    private func reserveArchivePath(_ file: inout JournalFile) throws {
        let folder = archivist.archiveFolder(folder(file.kind), at: Date())
        let name = file.name
        try journal.reserveFinalPath(&file) { isReserved in
            try archivist.freePath(in: folder, name: name, sidecar: Archivist.receiptSuffix, isReserved: isReserved)
        }
    }

    /// Moves what a published file leaves behind: its rejected rows, then the file itself,
    /// beside its receipt.
    public func archive(_ ready: ReadyToArchive) throws -> Result {
        var file = ready.file
        let survey = ready.survey
        let logger = logger(for: file)
        guard let id = file.id else { throw EngineError.journal("file without an id") }
        if file.rejectedRowsPath == nil,
            let moved = try RejectedRowsWriter.deliver(
                claimedPath: file.claimedPath, format: survey.format, into: directories.rejected + "/" + folder(file.kind), fileName: file.name)
        {
            file.rejectedRowsPath = moved
            try journal.update(file)
        }
        let batches = try journal.batches(fileId: id)
        let acknowledged = batches.filter { $0.outcome == .acknowledged }
        let published = acknowledged.reduce(0) { $0 + $1.rows }
        let refused = batches.filter { $0.outcome == .refused }.reduce(0) { $0 + $1.rows }
        // Written to while published: every row not acknowledged before the change was set aside.
        let rejected = file.earlierSha256 != nil ? survey.rowCount - published : survey.invalidRowCount + refused
        guard published + rejected == survey.rowCount else {
            throw EngineError.journal("\(file.name): \(published) rows published and \(rejected) rejected do not add up to its \(survey.rowCount) rows")
        }
        let unknownIds = file.kind == .groundTruths ? try unknownInferenceIds(survey, logger: logger) : nil
        let finished = Date()
        let archived = try placement.place(
            &file, from: survey.path, in: archivist.archiveFolder(folder(file.kind), at: finished), root: directories.archive,
            sidecar: Archivist.receiptSuffix, linked: .archiveLinked)
        CrashPoint.archiveMoved.reached()
        var receipt = makeReceipt(file: file, survey: survey, published: published, rejected: rejected, batches: acknowledged.count, finished: finished, archived: archived)
        receipt.unknownInferenceIds = unknownIds
        try archivist.writeReceipt(receipt, beside: archived)
        CrashPoint.archiveReceipt.reached()
        try file.advance(to: .archived)
        file.finishedAt = Journal.timestamp(finished)
        try journal.update(file)
        var metadata: Logger.Metadata = ["rows": "\(survey.rowCount)", "published": "\(published)", "batches": "\(acknowledged.count)", "archived": "\(archived)"]
        if rejected > 0 {
            metadata["rejected"] = "\(rejected)"
            metadata["rejectedRows"] = "\(file.rejectedRowsPath ?? "")"
        }
        logger.info("published", metadata: metadata)
        return .published(receipt)
    }

    private func archiveDuplicate(_ file: inout JournalFile, of first: JournalFile, survey: FileSurvey, logger: Logger) throws -> Result {
        let finished = Date()
        let firstPublication = Receipt.FirstPublication(
            file: first.name, archivedAs: first.finalPath, receipt: first.finalPath.map { $0 + Archivist.receiptSuffix }, publishedAt: first.finishedAt)
        let archived = try placement.place(
            &file, from: survey.path, in: archivist.archiveFolder(folder(file.kind), at: finished), root: directories.archive,
            sidecar: Archivist.receiptSuffix, linked: .archiveLinked)
        CrashPoint.archiveMoved.reached()
        var receipt = makeReceipt(file: file, survey: survey, published: 0, rejected: 0, batches: 0, finished: finished, archived: archived)
        receipt.status = .duplicate
        receipt.rowsDuplicate = survey.rowCount
        receipt.duplicateOf = firstPublication
        try archivist.writeReceipt(receipt, beside: archived)
        CrashPoint.archiveReceipt.reached()
        try file.advance(to: .duplicate)
        file.duplicateOf = first.id
        file.finishedAt = Journal.timestamp(finished)
        try journal.update(file)
        logger.notice("already published; archived as a duplicate without sending", metadata: [
            "firstPublished": "\(first.finalPath ?? first.name)", "archived": "\(archived)",
        ])
        return .duplicate(receipt)
    }

    /// Moves the file at `location` to `rejected/` with its report. The journal keeps the
    /// rejected file's path (the report is beside it).
    private func rejectWhole(_ file: inout JournalFile, at location: String, report: RejectionReport, logger: Logger) throws -> Result {
        let rejected = try placement.place(
            &file, from: location, in: archivist.rejectedFolder(folder(file.kind)), root: directories.rejected, sidecar: Archivist.reportSuffix)
        CrashPoint.rejectMoved.reached()
        let reportPath = try archivist.writeReport(report, beside: rejected)
        CrashPoint.rejectReport.reached()
        let reason = report.fileProblems.first
            ?? report.rowIssues.first.map { "\(report.fileName):\(RejectionReport.location($0)): \(RejectionReport.message($0))" }
            ?? "rejected"
        try file.advance(to: .rejected)
        file.note = reason
        file.finishedAt = Journal.timestamp(Date())
        try journal.update(file)
        logger.warning("rejected: \(reason)", metadata: ["report": "\(reportPath)"])
        return .rejected(report: reportPath)
    }

    /// The file is neither where it was claimed nor at the destination journaled for it:
    /// someone else moved or deleted it.
    private func vanished(_ file: inout JournalFile, logger: Logger) throws -> Result {
        file.note = "the file disappeared from \(file.claimedPath)"
        if file.state == .published {
            // Its rows are published: only the archived copy is missing.
            try file.advance(to: .archived)
            logger.warning("the file disappeared before it could be archived; its rows are published", metadata: ["path": "\(file.claimedPath)"])
        } else {
            try file.advance(to: .rejected)
            logger.warning("the file disappeared before it could be published", metadata: ["path": "\(file.claimedPath)"])
        }
        file.finalPath = nil
        try journal.update(file)
        return .vanished
    }

    private func makeReceipt(
        file: JournalFile, survey: FileSurvey, published: Int, rejected: Int, batches: Int, finished: Date, archived: String
    ) -> Receipt {
        let plan = plans[file.kind]!
        let valid = survey.rowCount - survey.invalidRowCount
        let idSource = survey.rowsWithoutInferenceId == 0 ? "file" : (survey.rowsWithoutInferenceId == valid ? "generated" : "mixed")
        let defaultName = settings.timestampDefault.rawValue
        let timeSource = survey.rowsWithoutTimestamp == 0 ? "file" : (survey.rowsWithoutTimestamp == valid ? defaultName : "mixed:\(defaultName)")
        let started = file.publishStartedAt ?? file.claimedAt
        let startDate = (try? Date(started, strategy: .iso8601)) ?? finished
        return Receipt(
            status: .published, kind: file.kind.rawValue, mode: file.mode?.rawValue, storageUri: file.storageUri, unknownInferenceIds: nil,
            file: file.name, pipeline: pipeline, project: binding.config.project,
            inferencePipelineId: binding.inferencePipelineId, format: survey.format.rawValue,
            sha256: survey.sha256, bytes: survey.byteCount, rows: survey.rowCount,
            rowsPublished: published, rowsRejected: rejected, rowsDuplicate: 0, rejectedRowsFile: file.rejectedRowsPath, batches: batches,
            inferenceIds: .init(
                column: plan.inferenceIdColumn, source: idSource, generated: survey.rowsWithoutInferenceId,
                first: survey.inferenceId(survey.firstInferenceId), last: survey.inferenceId(survey.lastInferenceId)),
            timestamps: .init(
                column: plan.timestampColumn, source: timeSource, filled: survey.rowsWithoutTimestamp,
                defaultValue: survey.rowsWithoutTimestamp > 0 ? file.defaultTimestamp : nil),
            duplicateOf: nil, startedAt: started, finishedAt: Journal.timestamp(finished),
            durationSeconds: (finished.timeIntervalSince(startDate) * 1000).rounded() / 1000,
            archivedAs: archived, note: file.earlierSha256 != nil ? file.note : nil)
    }

    /// Counts the ground truths whose inference id this service never published, and says
    /// so once per file with a few examples: ids may come from elsewhere, so they are sent.
    private func unknownInferenceIds(_ survey: FileSurvey, logger: Logger) throws -> Int {
        var unknown: [String] = []
        var count = 0
        try survey.givenInferenceIds(plan: plans[.groundTruths]!) { chunk in
            let found = try journal.unknownInferenceIds(chunk, pipeline: pipeline)
            count += found.count
            if unknown.count < 5 { unknown += found.prefix(5 - unknown.count) }
        }
        if count > 0 {
            logger.warning("ground truths for inference ids this service never published; sent all the same, in case they were published elsewhere", metadata: [
                "count": "\(count)", "examples": "\(unknown.joined(separator: ", "))",
            ])
        }
        return count
    }

    private func logger(for file: JournalFile) -> Logger {
        var logger = logger
        logger[metadataKey: "file"] = "\(file.name)"
        return logger
    }
}

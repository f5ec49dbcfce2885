import Foundation
import Logging
import OpenlayerAPI

/// Step 4, and every other end: archived with a receipt, archived as a duplicate, moved to
/// `rejected/` with a report, or gone. Each moves the file through `JournaledPlacement` and
/// journals the end last.
extension FileProcessor {
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
        metrics.fileEnded(kind: file.kind, outcome: .published, receipt: receipt, journal: journal)
        return .published(receipt)
    }

    func archiveDuplicate(_ file: inout JournalFile, of first: JournalFile, survey: FileSurvey, logger: Logger) throws -> Result {
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
        metrics.fileEnded(kind: file.kind, outcome: .duplicate, receipt: receipt, journal: journal)
        return .duplicate(receipt)
    }

    /// Moves the file at `location` to `rejected/` with its report. The journal keeps the
    /// rejected file's path (the report is beside it).
    func rejectWhole(_ file: inout JournalFile, at location: String, report: RejectionReport, logger: Logger) throws -> Result {
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
        metrics.fileEnded(kind: file.kind, outcome: .rejected, receipt: nil, journal: journal)
        return .rejected(report: reportPath)
    }

    /// The file is neither where it was claimed nor at the destination journaled for it:
    /// someone else moved or deleted it.
    func vanished(_ file: inout JournalFile, logger: Logger) throws -> Result {
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

    func makeReceipt(
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
    func unknownInferenceIds(_ survey: FileSurvey, logger: Logger) throws -> Int {
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
}

import Foundation
import Logging
import OpenlayerAPI

/// Step 2, after the survey: what becomes of a checked file — a duplicate, a rejection, or a
/// publish — and of one written to since an earlier pass checked it.
extension FileProcessor {
    /// A file whose content is not what the journal checked (`ChangedDuringPublish`). Without a
    /// batch journaled it is checked again as a new file; with rows added, it is finished
    /// sending nothing more; otherwise it goes to `rejected/` whole, the report saying what of the
    /// earlier version was sent.
    func changedDuringPublish(_ file: inout JournalFile, survey: FileSurvey, logger: Logger) throws -> Result? {
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
    func settle(_ file: inout JournalFile, survey: FileSurvey, logger: Logger) throws -> Result? {
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
}

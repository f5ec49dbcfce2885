import Foundation
import Logging
import OpenlayerAPI

/// Step 3: the rows out, the one way the file's kind and mode call for (`PublishingChoice`).
extension FileProcessor {
    /// Publishes the file the one way its kind and mode call for (`PublishingChoice`).
    /// - Parameter isFirstPass: the file was settled just now, so the journal holds no batch of it.
    func publish(_ file: inout JournalFile, survey: FileSurvey, plan: ColumnPlan, isFirstPass: Bool, logger: Logger) async throws {
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
            journal: journal, client: client, settings: settings, delivery: delivery, metrics: metrics, pipeline: pipeline, pipelineId: pipelineId)
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
    func reserveArchivePath(_ file: inout JournalFile) throws {
        let folder = archivist.archiveFolder(folder(file.kind), at: Date())
        let name = file.name
        try journal.reserveFinalPath(&file) { isReserved in
            try archivist.freePath(in: folder, name: name, sidecar: Archivist.receiptSuffix, isReserved: isReserved)
        }
    }
}

import Foundation
import OpenlayerAPI

/// Bulk predictions, and ground truths merged by inference id: the valid rows as one Arrow
/// file, uploaded to storage and announced (`BulkPublisher`).
struct BulkUploadPublishing: Publishing {
    let context: PublishingContext
    /// Ground truths: the upload is merged into the rows already published.
    let merge: Bool

    func publish(_ file: inout JournalFile, _ job: PublishJob) async throws {
        guard let id = file.id else { return }
        let bulk = BulkPublisher(
            plan: job.plan, settings: context.settings, client: context.client, pipelineId: context.pipelineId, delivery: context.delivery,
            metrics: context.metrics)
        let journal = context.journal
        let pipeline = context.pipeline
        let purpose = job.plan.purpose
        // A write stopped by a shutdown or a crash noted some ids already: this one notes them all again.
        try journal.forgetInferenceIds(fileId: id)
        let written = try await stoppingAtShutdown {
            try await BulkArrowFile(plan: job.plan).write(job.survey, defaultTimestamp: job.defaultTimestamp, rejects: job.rejects) { fingerprints in
                if purpose == .predictions { try journal.recordInferenceIds(fingerprints: fingerprints, pipeline: pipeline, fileId: id) }
            }
        }
        defer { written.remove() }
        var present = Set(job.survey.columns)
        present.insert(job.plan.inferenceIdColumn)
        present.insert(job.plan.timestampColumn)
        let (outcome, storageUri) = await bulk.send(arrowParts: written.paths, merge: merge, presentColumns: present)
        file.storageUri = storageUri
        try await context.settleUpload(&file, job, outcome: outcome, rows: written.rows)
    }
}

/// A reference dataset: what the SDK's `upload_reference_dataframe` does — a tarball of
/// `dataset.csv` and `dataset_config.yaml` uploaded to storage, then set as the pipeline's.
struct ReferenceUploadPublishing: Publishing {
    let context: PublishingContext

    func publish(_ file: inout JournalFile, _ job: PublishJob) async throws {
        let written = try await stoppingAtShutdown { try ReferencePackage(plan: job.plan).write(job.survey, rejects: job.rejects) }
        defer { try? FileManager.default.removeItem(atPath: written.path) }
        let (outcome, storageUri) = await StorageUpload.deliver(
            files: [written.path], objectName: "reference_dataset_\(Date().timeIntervalSince1970)_\(context.pipelineId).tar.gz",
            client: context.client, storage: context.settings.storage, delivery: context.delivery, metrics: context.metrics
        ) { [client = context.client, pipelineId = context.pipelineId] storageUri throws(OpenlayerError) in
            try await client.setReferenceDataset(pipelineId: pipelineId, storageUri: storageUri)
        }
        file.storageUri = storageUri
        try await context.settleUpload(&file, job, outcome: outcome, rows: written.rows)
    }
}

extension PublishingContext {
    /// Journals the outcome of a file's one upload as one range of all its rows. A refused
    /// upload sends every valid row to the rejected rows with the server's message.
    func settleUpload(_ file: inout JournalFile, _ job: PublishJob, outcome: BatchDelivery.Outcome, rows: Int) async throws {
        guard let id = file.id else { return }
        let at = Journal.timestamp(Date())
        let everyRow = max(1, job.survey.rowCount)
        switch outcome {
        case .acknowledged:
            try journal.record(JournalBatch(fileId: id, firstOrdinal: 1, lastOrdinal: everyRow, rows: rows, outcome: .acknowledged, message: nil, at: at))
            try journal.update(file)
        case .refused(let message):
            try journal.record(JournalBatch(
                fileId: id, firstOrdinal: 1, lastOrdinal: everyRow, rows: rows, outcome: .refused,
                message: "refused by Openlayer: \(message)", at: at))
            job.rejects.discard()
            let again = RejectedRowsWriter(
                claimedPath: file.claimedPath, format: job.survey.format, header: job.survey.format == .csv ? job.survey.columns : nil)
            let replay = PublishJob(
                survey: job.survey, plan: job.plan, defaultTimestamp: job.defaultTimestamp, prior: try journal.batches(fileId: id), rejects: again)
            try await SettledUploadReplay(context: self).publish(&file, replay)
            _ = try again.close()
        case .abandoned:
            throw FilePublisher.Interruption.shutdown
        }
    }
}

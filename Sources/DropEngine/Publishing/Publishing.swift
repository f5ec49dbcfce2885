import OpenlayerAPI

/// One way of sending a file's valid rows to Openlayer, journaling each outcome.
///
/// There is one per kind of file and mode (`PublishingChoice`), chosen once when publishing
/// starts; `FileProcessor` keeps the lifecycle (claim, survey, decide, archive) and knows none
/// of their details. Each leaves the file's entry with what it learned (a storage URI) and
/// throws `FilePublisher.Interruption.shutdown` when it stops before the outcome is known.
protocol Publishing: Sendable {
    func publish(_ file: inout JournalFile, _ job: PublishJob) async throws
}

/// What every way of publishing needs about one file.
struct PublishJob {
    let survey: FileSurvey
    let plan: ColumnPlan
    /// The UNIX seconds given to rows without a timestamp, fixed in the journal.
    let defaultTimestamp: Int64
    /// What the journal already holds of this file's requests.
    let prior: [JournalBatch]
    let rejects: RejectedRowsWriter
    /// The file was being published when an earlier run stopped: a batch that run had on the
    /// wire may have been stored without its answer reaching the journal, and is sent again.
    var resumesInterruptedPublish = false
}

/// What every way of publishing needs about the pipeline.
struct PublishingContext: Sendable {
    let journal: Journal
    let client: OpenlayerClient
    let settings: PublishSettings
    let delivery: BatchDelivery
    let metrics: PipelineMetrics
    let pipeline: String
    let pipelineId: String

    /// Sends the rows through `FilePublisher` (batches, each outcome journaled as it lands),
    /// each batch by `deliver`.
    func publishRows(
        _ file: JournalFile, _ job: PublishJob, settings: PublishSettings? = nil,
        deliver: @escaping @Sendable (DataStreamBatch) async -> BatchDelivery.Outcome
    ) async throws {
        guard let id = file.id else { return }
        let journal = self.journal
        let pipeline = self.pipeline
        let purpose = job.plan.purpose
        _ = try await FilePublisher(plan: job.plan, settings: settings ?? self.settings).publish(
            job.survey, defaultTimestamp: job.defaultTimestamp, prior: job.prior, rejects: job.rejects,
            resumesInterruptedPublish: job.resumesInterruptedPublish, deliver: deliver,
            record: { batch, fingerprints in
                var batch = batch
                batch.fileId = id
                // Only predictions publish ids; a ground truth's id points at one.
                try journal.record(batch, fingerprints: purpose == .predictions ? fingerprints : [], pipeline: pipeline)
            })
    }
}

/// Which way a file is published: by its kind and mode, and by what the journal already holds.
enum PublishingChoice {
    static func publishing(kind: FileKind, mode: PublishMode, prior: [JournalBatch], context: PublishingContext) -> any Publishing {
        // A file sent in one upload whose fate the journal holds: nothing is sent again.
        if mode == .bulk || kind == .reference, !prior.isEmpty { return SettledUploadReplay(context: context) }
        switch (kind, mode) {
        case (.reference, _): return ReferenceUploadPublishing(context: context)
        case (.predictions, .stream): return StreamPublishing(context: context)
        case (.predictions, .bulk): return BulkUploadPublishing(context: context, merge: false)
        case (.groundTruths, .stream): return GroundTruthRowPublishing(context: context)
        case (.groundTruths, .bulk): return BulkUploadPublishing(context: context, merge: true)
        }
    }
}

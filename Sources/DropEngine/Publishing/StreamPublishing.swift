import OpenlayerAPI

/// Predictions by stream: batches of rows to `data-stream`, several in flight.
struct StreamPublishing: Publishing {
    let context: PublishingContext

    func publish(_ file: inout JournalFile, _ job: PublishJob) async throws {
        try await context.publishRows(file, job) { [delivery = context.delivery] in await delivery.deliver($0) }
    }
}

/// Ground truths row by row: one `PUT rows?inferenceId=` per row, `groundTruthConcurrency` at
/// once — the batch machinery with batches of one row, each turned into that row's update.
struct GroundTruthRowPublishing: Publishing {
    let context: PublishingContext

    func publish(_ file: inout JournalFile, _ job: PublishJob) async throws {
        var settings = context.settings
        settings.batchRows = 1
        settings.maxBatchesInFlight = settings.groundTruthConcurrency
        let plan = job.plan
        try await context.publishRows(file, job, settings: settings) {
            [delivery = context.delivery, client = context.client, pipelineId = context.pipelineId, metrics = context.metrics] batch in
            await delivery.attempt { () throws(OpenlayerError) in
                try await metrics.dataRequest { () throws(OpenlayerError) in
                    try await GroundTruthUpdate.send(batch, plan: plan, client: client, pipelineId: pipelineId)
                }
            }
        }
    }
}

/// A file sent in one upload whose outcome the journal holds (acknowledged, or refused): every
/// row is in a journaled range, so nothing is sent; the pass only writes the rows set aside
/// again, with the refusal's message for a refused upload.
struct SettledUploadReplay: Publishing {
    let context: PublishingContext

    func publish(_ file: inout JournalFile, _ job: PublishJob) async throws {
        try await context.publishRows(file, job) { _ in .abandoned }
    }
}

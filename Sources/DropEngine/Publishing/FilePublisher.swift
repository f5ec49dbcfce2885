import Crypto
import DropFormats
import Foundation
import OpenlayerAPI

/// The second pass over a surveyed file: types every row, fills ids and timestamps, cuts the
/// rows into batches and hands each batch to `send`, one at a time, in file order.
public struct FilePublisher: Sendable {
    public let plan: ColumnPlan
    public let settings: PublishSettings

    public init(plan: ColumnPlan, settings: PublishSettings) {
        self.plan = plan
        self.settings = settings
    }

    /// What was published, for the receipt.
    public struct Outcome: Sendable {
        public var rowsPublished = 0
        public var batches = 0
        public var generatedIds = 0
        public var filledTimestamps = 0
        public var defaultTimestamp: Int64 = 0
        public var firstInferenceId: String?
        public var lastInferenceId: String?
    }

    /// - Parameters:
    ///   - uploadTime: UNIX seconds used for missing timestamps under `timestampDefault: uploadTime`.
    ///   - send: publishes one batch; returns only once it is acknowledged.
    public func publish(
        _ survey: FileSurvey, uploadTime: Int64,
        send: (DataStreamBatch) async throws -> Void
    ) async throws -> Outcome {
        let defaultTimestamp = settings.timestampDefault == .uploadTime ? uploadTime : survey.modificationTime
        var filler = DefaultFiller(plan: plan, fileDigest: survey.sha256Bytes, defaultTimestamp: defaultTimestamp)
        var present = Set(survey.columns)
        present.insert(plan.inferenceIdColumn)
        present.insert(plan.timestampColumn)
        var batcher = RowBatcher(config: plan.wireConfig(presentColumns: present), maxRows: settings.batchRows, maxBytes: settings.maxBatchBytes)
        var hasher = SHA256()
        let reader = try SourceReader(path: survey.path, format: survey.format) { hasher.update(bufferPointer: $0) }
        let typer = RowTyper(plan: plan, columns: survey.columns, stats: survey.stats)
        var outcome = Outcome(defaultTimestamp: defaultTimestamp)
        var issues: [RowIssue] = []
        var ordinal = 0
        var encoded: [UInt8] = []

        while let record = try reader.next() {
            ordinal += 1
            guard var row = typer.type(record, issues: &issues) else {
                throw EngineError.fileChanged(path: survey.path, detail: issues.first?.description ?? "a row no longer reads as it did")
            }
            filler.fill(&row, ordinal: ordinal)
            encoded.removeAll(keepingCapacity: true)
            JSONWriter.append(.object(row), to: &encoded)
            if let full = batcher.add(encodedRow: encoded) {
                try await send(full)
                outcome.batches += 1
                outcome.rowsPublished += full.rowCount
            }
        }
        if let last = batcher.finish() {
            try await send(last)
            outcome.batches += 1
            outcome.rowsPublished += last.rowCount
        }
        guard ordinal == survey.rowCount, Array(hasher.finalize()) == survey.sha256Bytes else {
            throw EngineError.fileChanged(path: survey.path, detail: "its content differs from when it was checked")
        }
        outcome.generatedIds = filler.generatedIds
        outcome.filledTimestamps = filler.filledTimestamps
        outcome.firstInferenceId = filler.firstId
        outcome.lastInferenceId = filler.lastId
        return outcome
    }
}

import AsyncAlgorithms
import DropFormats
import Foundation
import NIOConcurrencyHelpers
import OpenlayerAPI

/// The second pass over a checked file: types every row, fills ids and timestamps, cuts the
/// rows into batches (`SegmentEncoder`) and keeps at most `maxBatchesInFlight` of them on the
/// wire, recording each outcome as it lands (`BatchSettlement`).
///
/// It resumes: rows inside a batch range the journal already holds are not sent again
/// (acknowledged) or go straight to the rejected rows (refused). Reading waits while uploads
/// lag, so memory stays bounded by the batches in flight, whatever the file's size.
public struct FilePublisher: Sendable {
    public let plan: ColumnPlan
    public let settings: PublishSettings

    public init(plan: ColumnPlan, settings: PublishSettings) {
        self.plan = plan
        self.settings = settings
    }

    /// What this pass did.
    public struct Outcome: Sendable, Equatable {
        public var rowsAcknowledged = 0
        public var batchesAcknowledged = 0
        public var rowsRefused = 0
        public var rowsInvalid = 0
        /// Rows skipped because an earlier pass had them acknowledged.
        public var rowsAlreadyPublished = 0
    }

    /// Why a pass ended before the end of the file.
    public enum Interruption: Error, Sendable, Equatable {
        /// Shutdown: what is not acknowledged is sent at the next start.
        case shutdown
        /// The file was written to after it was checked.
        case fileChanged
    }

    /// One request's rows, kept until its outcome is known.
    struct PendingBatch: Sendable {
        var batch: DataStreamBatch
        var firstOrdinal: Int
        var lastOrdinal: Int
        var records: BatchRecords
        /// The fingerprints of the inference ids it carries, journaled with its acknowledgement.
        var fingerprints: [UInt8]
    }

    /// - Parameters:
    ///   - prior: the journal's batches of this file from earlier passes.
    ///   - resumesInterruptedPublish: an earlier pass was cut off (`PublishJob`); a batch
    ///     refused now may have been stored by it, and its rows' reason says so.
    ///   - deliver: sends one batch until its fate is settled.
    ///   - record: writes an outcome and, when acknowledged, the fingerprints of the inference
    ///     ids it carried (`InferenceIdFingerprint`) to the journal, as each outcome lands.
    ///
    /// A file the survey cut into segments is read by one `SegmentEncoder` per segment at once,
    /// each on its own thread; one side sends and journals what they all make.
    func publish(
        _ survey: FileSurvey, defaultTimestamp: Int64, prior: [JournalBatch], rejects: RejectedRowsWriter,
        resumesInterruptedPublish: Bool = false,
        deliver: @escaping @Sendable (DataStreamBatch) async -> BatchDelivery.Outcome,
        record: @escaping (JournalBatch, [UInt8]) throws -> Void
    ) async throws -> Outcome {
        var settlement = BatchSettlement(
            survey: survey, maxInFlight: max(1, settings.maxBatchesInFlight), rejects: rejects, deliver: deliver, record: record)
        settlement.resumesInterruptedPublish = resumesInterruptedPublish
        let ends: [SegmentEncoder.End]
        if survey.segments.count > 1 {
            ends = try await publishSegments(survey, defaultTimestamp: defaultTimestamp, prior: prior, settlement: &settlement)
        } else {
            var encoder = SegmentEncoder(
                plan: plan, settings: settings, survey: survey, segment: nil, defaultTimestamp: defaultTimestamp, prior: prior)
            let end = try await withThrowingTaskGroup(of: (PendingBatch, BatchDelivery.Outcome).self) { deliveries in
                let end = try await encoder.run { try await settlement.take($0, &deliveries) }
                try await settlement.drain(&deliveries)
                return end
            }
            settlement.outcome.rowsAlreadyPublished += encoder.rowsAlreadyPublished
            ends = [end]
        }
        if let interruption = settlement.interruption { throw interruption }
        if ends.contains(where: { $0 != .finished }) { throw Interruption.fileChanged }
        return settlement.outcome
    }

    /// One `SegmentEncoder` per segment, each a task of its own, handing what it makes through
    /// a channel: an encoder waits while the sending side is busy, so memory stays bounded by
    /// the batches in flight and one batch per segment.
    private func publishSegments(
        _ survey: FileSurvey, defaultTimestamp: Int64, prior: [JournalBatch], settlement: inout BatchSettlement
    ) async throws -> [SegmentEncoder.End] {
        let channel = AsyncThrowingChannel<EncodedRows, any Error>()
        let running = NIOLockedValueBox(survey.segments.count)
        let plan = self.plan
        let settings = self.settings
        return try await withThrowingTaskGroup(of: (SegmentEncoder.End, Int).self) { encoders in
            for segment in survey.segments {
                encoders.addTask {
                    do {
                        var encoder = SegmentEncoder(
                            plan: plan, settings: settings, survey: survey, segment: segment, defaultTimestamp: defaultTimestamp, prior: prior)
                        let end = try await encoder.run { rows in
                            await channel.send(rows)
                            return !Task.isCancelled
                        }
                        if running.withLockedValue({ $0 -= 1; return $0 }) == 0 { channel.finish() }
                        return (end, encoder.rowsAlreadyPublished)
                    } catch {
                        channel.fail(error)
                        throw error
                    }
                }
            }
            try await withThrowingTaskGroup(of: (PendingBatch, BatchDelivery.Outcome).self) { deliveries in
                for try await rows in channel {
                    guard try await settlement.take(rows, &deliveries) else { break }
                }
                try await settlement.drain(&deliveries)
            }
            if settlement.interruption != nil { encoders.cancelAll() }
            var ends: [SegmentEncoder.End] = []
            for try await (end, alreadyPublished) in encoders {
                ends.append(end)
                settlement.outcome.rowsAlreadyPublished += alreadyPublished
            }
            return ends
        }
    }
}

/// The sending half of a publishing pass: keeps at most `maxInFlight` batches on the wire,
/// records each outcome as it lands, and writes the rows set aside.
struct BatchSettlement {
    let survey: FileSurvey
    let maxInFlight: Int
    let rejects: RejectedRowsWriter
    let deliver: @Sendable (DataStreamBatch) async -> BatchDelivery.Outcome
    let record: (JournalBatch, [UInt8]) throws -> Void
    var outcome = FilePublisher.Outcome()
    var interruption: FilePublisher.Interruption?
    /// See `FilePublisher.publish`. Which batch was on the wire when the earlier run stopped is
    /// not journaled (a write per batch before sending would cost more than it tells), so every
    /// refusal of a resumed pass carries the note.
    var resumesInterruptedPublish = false

    /// Added to the reason of rows refused in a resumed pass.
    static let resentNote = "; sent again after an interrupted publish: if the interrupted attempt had reached Openlayer, these rows were stored then"
    private var inFlight = 0

    init(
        survey: FileSurvey, maxInFlight: Int, rejects: RejectedRowsWriter,
        deliver: @escaping @Sendable (DataStreamBatch) async -> BatchDelivery.Outcome,
        record: @escaping (JournalBatch, [UInt8]) throws -> Void
    ) {
        self.survey = survey
        self.maxInFlight = maxInFlight
        self.rejects = rejects
        self.deliver = deliver
        self.record = record
    }

    typealias Deliveries = ThrowingTaskGroup<(FilePublisher.PendingBatch, BatchDelivery.Outcome), any Error>

    /// Sends a batch once there is room on the wire, or writes a row set aside. Returns false
    /// once the pass must stop (shutdown, or a file written to).
    mutating func take(_ rows: EncodedRows, _ deliveries: inout Deliveries) async throws -> Bool {
        switch rows {
        case .setAside(let source, let reason, let refusedEarlier):
            if refusedEarlier { outcome.rowsRefused += 1 } else { outcome.rowsInvalid += 1 }
            try rejects.append(source, reason: reason)
        case .batch(let pending):
            while inFlight >= maxInFlight, let done = try await deliveries.next() {
                inFlight -= 1
                try settle(done.0, done.1)
            }
            guard interruption == nil else { return false }
            // Every batch is read, then checked unchanged, then sent: nothing read after a
            // write can leave, so two versions of a file are never mixed.
            guard (try? FileStamp(path: survey.path))?.sameContent(as: survey.stamp) == true else {
                interruption = .fileChanged
                return false
            }
            let deliver = self.deliver
            deliveries.addTask { (pending, await deliver(pending.batch)) }
            inFlight += 1
        }
        return interruption == nil
    }

    /// Waits for every batch on the wire and records its outcome.
    mutating func drain(_ deliveries: inout Deliveries) async throws {
        while let done = try await deliveries.next() {
            inFlight -= 1
            try settle(done.0, done.1)
        }
    }

    /// Records what became of a batch.
    private mutating func settle(_ pending: FilePublisher.PendingBatch, _ result: BatchDelivery.Outcome) throws {
        let at = Journal.timestamp(Date())
        switch result {
        case .acknowledged:
            try record(JournalBatch(
                fileId: 0, firstOrdinal: pending.firstOrdinal, lastOrdinal: pending.lastOrdinal,
                rows: pending.batch.rowCount, outcome: .acknowledged, message: nil, at: at), pending.fingerprints)
            outcome.rowsAcknowledged += pending.batch.rowCount
            outcome.batchesAcknowledged += 1
        case .refused(let message):
            let reason = "refused by Openlayer: \(message)" + (resumesInterruptedPublish ? Self.resentNote : "")
            try record(JournalBatch(
                fileId: 0, firstOrdinal: pending.firstOrdinal, lastOrdinal: pending.lastOrdinal,
                rows: pending.batch.rowCount, outcome: .refused, message: reason, at: at), [])
            for source in pending.records.records { try rejects.append(source, reason: reason) }
            outcome.rowsRefused += pending.batch.rowCount
        case .abandoned:
            interruption = interruption ?? .shutdown
        }
    }
}

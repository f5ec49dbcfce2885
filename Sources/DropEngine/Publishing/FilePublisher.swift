import Crypto
import DropFormats
import Foundation
import OpenlayerAPI

/// The second pass over a checked file: types every row, fills ids and timestamps, cuts the
/// rows into batches and keeps at most `maxBatchesInFlight` of them on the wire, recording
/// each outcome as it lands.
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
    ///   - deliver: sends one batch until its fate is settled.
    ///   - record: writes an outcome and, when acknowledged, the fingerprints of the inference
    ///     ids it carried (`InferenceIdFingerprint`) to the journal; called before the next row
    ///     is read.
    func publish(
        _ survey: FileSurvey, defaultTimestamp: Int64, prior: [JournalBatch], rejects: RejectedRowsWriter,
        deliver: @escaping @Sendable (DataStreamBatch) async -> BatchDelivery.Outcome,
        record: @escaping (JournalBatch, [UInt8]) throws -> Void
    ) async throws -> Outcome {
        var run = PublishRun(
            plan: plan, settings: settings, survey: survey, defaultTimestamp: defaultTimestamp,
            prior: prior, rejects: rejects, record: record)
        var hasher = SHA256()
        let reader = try SourceReader(path: survey.path, format: survey.format) { hasher.update(bufferPointer: $0) }
        let maxInFlight = max(1, settings.maxBatchesInFlight)

        let interruption: Interruption? = try await withThrowingTaskGroup(of: (PendingBatch, BatchDelivery.Outcome).self) { group in
            var inFlight = 0
            func submit(_ pending: PendingBatch, _ group: inout ThrowingTaskGroup<(PendingBatch, BatchDelivery.Outcome), any Error>) async throws {
                while inFlight >= maxInFlight, let done = try await group.next() {
                    inFlight -= 1
                    try run.settle(done.0, done.1)
                }
                guard run.interruption == nil else { return }
                // Every batch is read, then checked unchanged, then sent: nothing read after a
                // write can leave, so two versions of a file are never mixed.
                guard (try? FileStamp(path: survey.path))?.sameContent(as: survey.stamp) == true else {
                    run.interruption = .fileChanged
                    return
                }
                group.addTask { (pending, await deliver(pending.batch)) }
                inFlight += 1
            }

            var ordinal = 0
            if survey.format == .csv, CSVRowEncoder.serves(plan) {
                while run.interruption == nil, let line = try reader.nextCSVFields() {
                    ordinal += 1
                    if let full = try run.takeCSV(reader, line: line, ordinal: ordinal) { try await submit(full, &group) }
                }
            } else if survey.format == .jsonl, JSONLRowEncoder.serves(plan) {
                while run.interruption == nil, let line = try reader.nextJSONLine() {
                    ordinal += 1
                    if let full = try run.takeJSONL(reader, line: line, ordinal: ordinal) { try await submit(full, &group) }
                }
            } else {
                while run.interruption == nil, let source = try reader.next() {
                    ordinal += 1
                    if let full = try run.take(source, ordinal: ordinal) { try await submit(full, &group) }
                }
            }
            if run.interruption == nil, let last = run.finishBatch() { try await submit(last, &group) }
            while let done = try await group.next() {
                try run.settle(done.0, done.1)
            }
            if run.interruption == nil, ordinal != survey.rowCount { run.interruption = .fileChanged }
            return run.interruption
        }
        if let interruption { throw interruption }
        guard Array(hasher.finalize()) == survey.sha256Bytes else { throw Interruption.fileChanged }
        return run.outcome
    }
}

/// The state of one pass: the batch being filled, the counts, the journal's earlier ranges.
private struct PublishRun {
    let plan: ColumnPlan
    let settings: PublishSettings
    let survey: FileSurvey
    let typer: RowTyper
    /// Sets aside rows whose id an earlier row gave, exactly as the survey counted them.
    var idTracker: DuplicateIdTracker
    let filler: DefaultFiller
    var batcher: RowBatcher
    let acknowledged: [JournalBatch]
    let refused: [JournalBatch]
    let rejects: RejectedRowsWriter
    let record: (JournalBatch, [UInt8]) throws -> Void
    var outcome = FilePublisher.Outcome()
    var interruption: FilePublisher.Interruption?
    /// The fast paths of CSV rows and JSONL lines; `typer` takes the rows they give up on.
    let encoder: CSVRowEncoder
    let jsonlEncoder: JSONLRowEncoder
    private var jsonlTypes: [(column: Int, seen: ColumnStats.Seen)] = []
    private var records = BatchRecords()
    private var fingerprints: [UInt8] = []
    private var firstOrdinal = 0
    private var lastOrdinal = 0
    private var issues: [RowIssue] = []
    /// The row being added, as it goes into the request body.
    private let encoded = JSONRowBytes()
    /// The general path's JSON of a row, before it goes into `encoded`.
    private var typedJSON: [UInt8] = []
    private var types: [ColumnStats.Seen]

    init(
        plan: ColumnPlan, settings: PublishSettings, survey: FileSurvey, defaultTimestamp: Int64,
        prior: [JournalBatch], rejects: RejectedRowsWriter, record: @escaping (JournalBatch, [UInt8]) throws -> Void
    ) {
        self.plan = plan
        self.settings = settings
        self.survey = survey
        typer = RowTyper(plan: plan, survey: survey)
        idTracker = DuplicateIdTracker(plan: plan, repeated: survey.repeatedIds)
        filler = DefaultFiller(plan: plan, fileDigest: survey.sha256Bytes, defaultTimestamp: defaultTimestamp)
        var present = Set(survey.columns)
        present.insert(plan.inferenceIdColumn)
        present.insert(plan.timestampColumn)
        batcher = RowBatcher(
            config: plan.wireConfig(presentColumns: present), maxRows: settings.batchRows, maxBytes: settings.maxBatchBytes)
        acknowledged = prior.filter { $0.outcome == .acknowledged }
        refused = prior.filter { $0.outcome == .refused }
        self.rejects = rejects
        self.record = record
        let fill = plan.fillsDefaults
            ? CSVRowEncoder.Fill(ids: InferenceIdGenerator(fileDigest: survey.sha256Bytes), defaultTimestamp: defaultTimestamp) : nil
        encoder = CSVRowEncoder(plan: plan, columns: survey.columns, stats: survey.stats, timestamps: survey.timestamps, fill: fill)
        jsonlEncoder = JSONLRowEncoder(plan: plan, stats: survey.stats, timestamps: survey.timestamps, fill: fill)
        types = Array(repeating: [], count: survey.columns.count)
    }

    /// Takes the CSV record `reader` read last: through the fast path when it can, else as
    /// `take` does. Returns a batch when one is full.
    mutating func takeCSV(_ reader: SourceReader, line: Int, ordinal: Int) throws -> FilePublisher.PendingBatch? {
        try reader.withCSVFields { fields in
            var output = encoded
            output.removeAll()
            guard let row = encoder.encode(fields, ordinal: ordinal, into: &output, types: &types) else {
                return try take(SourceRecord(line: line, fields), ordinal: ordinal)
            }
            guard let fingerprint = encoder.admitId(of: row, fields: fields, line: line, ids: &idTracker) else {
                return try take(SourceRecord(line: line, fields), ordinal: ordinal)
            }
            if let settled = try settledEarlier(ordinal: ordinal, record: { SourceRecord(line: line, fields) }) { return settled }
            let full = add(ordinal: ordinal)
            records.append(fields, line: line)
            if row.givenId != nil { InferenceIdFingerprint.append(fingerprint, to: &fingerprints) }
            return full
        }
    }

    /// Takes the JSONL line `reader` found last: through the fast path when it can, else as
    /// `take` does. Returns a batch when one is full.
    mutating func takeJSONL(_ reader: SourceReader, line: Int, ordinal: Int) throws -> FilePublisher.PendingBatch? {
        try reader.withJSONLine { bytes in
            var output = encoded
            output.removeAll()
            guard let row = jsonlEncoder.encode(bytes, ordinal: ordinal, into: &output, types: &jsonlTypes),
                let fingerprint = jsonlEncoder.admitId(of: row, line: bytes, lineNumber: line, ids: &idTracker)
            else {
                return try take(reader.jsonlRecord(), ordinal: ordinal)
            }
            if let settled = try settledEarlier(ordinal: ordinal, record: { reader.jsonlRecord() }) { return settled }
            let full = add(ordinal: ordinal)
            records.append(jsonLine: bytes, line: line)
            if row.givenId != nil { InferenceIdFingerprint.append(fingerprint, to: &fingerprints) }
            return full
        }
    }

    /// Takes the next record. Returns a batch when one is full.
    mutating func take(_ source: SourceRecord, ordinal: Int) throws -> FilePublisher.PendingBatch? {
        issues.removeAll(keepingCapacity: true)
        guard var row = typer.type(source, ids: &idTracker, issues: &issues) else {
            outcome.rowsInvalid += 1
            try rejects.append(source, reason: issues.map(RejectionReport.message).joined(separator: "; "))
            return nil
        }
        if let settled = try settledEarlier(ordinal: ordinal, record: { source }) { return settled }
        let givenId = row[plan.inferenceIdColumn]
        if plan.fillsDefaults { filler.fill(&row, ordinal: ordinal) }
        if let sent = plan.sentColumns { row = row.projected(on: sent) }
        typedJSON.removeAll(keepingCapacity: true)
        JSONWriter.append(.object(row), to: &typedJSON)
        encoded.removeAll()
        encoded.append(contentsOf: typedJSON)
        let full = add(ordinal: ordinal)
        records.append(source)
        if case .string(let id)? = givenId {
            InferenceIdFingerprint.append(InferenceIdFingerprint.of(id), to: &fingerprints)
        }
        return full
    }

    /// A valid row inside a range an earlier pass settled: not sent again (acknowledged), or
    /// straight to the rejected rows (refused). Returns the batch this closes, as `.some`.
    private mutating func settledEarlier(ordinal: Int, record: () -> SourceRecord) throws -> FilePublisher.PendingBatch?? {
        if acknowledged.contains(where: { $0.contains(ordinal) }) {
            outcome.rowsAlreadyPublished += 1
            return .some(finishBatch())  // batches never straddle rows the journal already settled
        }
        if let earlier = refused.first(where: { $0.contains(ordinal) }) {
            outcome.rowsRefused += 1
            try rejects.append(record(), reason: earlier.message ?? "refused by Openlayer")
            return .some(finishBatch())
        }
        return nil
    }

    /// Adds the row in `encoded` to the batch; returns the batch that had to close for it.
    private mutating func add(ordinal: Int) -> FilePublisher.PendingBatch? {
        var full: FilePublisher.PendingBatch?
        let row = encoded
        if let closed = row.withBytes({ batcher.add(encodedRow: $0) }) {
            full = FilePublisher.PendingBatch(
                batch: closed, firstOrdinal: firstOrdinal, lastOrdinal: lastOrdinal, records: records, fingerprints: fingerprints)
            records.removeAll()
            fingerprints.removeAll(keepingCapacity: true)
        }
        if records.isEmpty { firstOrdinal = ordinal }
        lastOrdinal = ordinal
        return full
    }

    mutating func finishBatch() -> FilePublisher.PendingBatch? {
        guard let batch = batcher.finish() else { return nil }
        defer {
            records = BatchRecords()
            fingerprints = []
        }
        return FilePublisher.PendingBatch(
            batch: batch, firstOrdinal: firstOrdinal, lastOrdinal: lastOrdinal, records: records, fingerprints: fingerprints)
    }

    /// Records what became of a batch, before anything else is read.
    mutating func settle(_ pending: FilePublisher.PendingBatch, _ result: BatchDelivery.Outcome) throws {
        let at = Journal.timestamp(Date())
        switch result {
        case .acknowledged:
            try record(JournalBatch(
                fileId: 0, firstOrdinal: pending.firstOrdinal, lastOrdinal: pending.lastOrdinal,
                rows: pending.batch.rowCount, outcome: .acknowledged, message: nil, at: at), pending.fingerprints)
            outcome.rowsAcknowledged += pending.batch.rowCount
            outcome.batchesAcknowledged += 1
        case .refused(let message):
            let reason = "refused by Openlayer: \(message)"
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

import DropFormats
import DropJSON
import Foundation
import OpenlayerAPI

/// What reading a file (or one segment of it) hands to the side that sends and journals, in
/// file order within the segment.
enum EncodedRows: Sendable {
    /// A full request's rows.
    case batch(FilePublisher.PendingBatch)
    /// A row not sent: invalid, or inside a range Openlayer refused in an earlier pass.
    case setAside(SourceRecord, reason: String, refusedEarlier: Bool)
}

/// The reading half of a publishing pass over the whole file or one `FileSegment`: types every
/// row, fills ids and timestamps, and cuts the rows into batches. It owns its reader and all its
/// buffers, so that several can run at once, one per segment, each on its own thread.
///
/// Rows inside a range the journal already settled are not sent again (acknowledged) or go
/// straight to the rejected rows (refused); batches never straddle them.
struct SegmentEncoder {
    let plan: ColumnPlan
    let survey: FileSurvey
    /// nil: the whole file.
    let segment: FileSegment?
    let typer: RowTyper
    /// Sets aside rows whose id an earlier row gave, exactly as the survey counted them.
    var idTracker: DuplicateIdTracker
    let filler: DefaultFiller
    var batcher: RowBatcher
    private var acknowledged: SettledRanges
    private var refused: SettledRanges
    /// The fast paths of CSV rows and JSONL lines; `typer` takes the rows they give up on.
    let encoder: CSVRowEncoder
    let jsonlEncoder: JSONLRowEncoder
    private var jsonlTypes: [(column: Int, seen: ColumnStats.Seen)] = []
    private var records = BatchRecords()
    private var fingerprints: [UInt8] = []
    private var firstOrdinal = 0
    private var lastOrdinal = 0
    private var issues: [RowIssue] = []
    /// The general path's JSON of a row, before it goes into `encoded`.
    private var typedJSON: [UInt8] = []
    private var types: [ColumnStats.Seen]
    /// What the row just read produced, handed on before the next row is read.
    private var produced: [EncodedRows] = []
    private(set) var rowsAlreadyPublished = 0

    /// How reading ended.
    enum End {
        /// Every row was read, and the bytes were those the survey read.
        case finished
        /// `emit` asked to stop.
        case stopped
        /// The bytes differ from those the survey read: the file was written to.
        case changed
    }

    init(
        plan: ColumnPlan, settings: PublishSettings, survey: FileSurvey, segment: FileSegment?, defaultTimestamp: Int64,
        prior: [JournalBatch]
    ) {
        self.plan = plan
        self.survey = survey
        self.segment = segment
        typer = RowTyper(plan: plan, survey: survey)
        idTracker = DuplicateIdTracker(plan: plan, repeated: survey.repeatedIds)
        filler = DefaultFiller(plan: plan, fileDigest: survey.sha256Bytes, defaultTimestamp: defaultTimestamp)
        var present = Set(survey.columns)
        present.insert(plan.inferenceIdColumn)
        present.insert(plan.timestampColumn)
        batcher = RowBatcher(
            config: plan.wireConfig(presentColumns: present), maxRows: settings.batchRows, maxBytes: settings.maxBatchBytes)
        acknowledged = SettledRanges(prior.filter { $0.outcome == .acknowledged })
        refused = SettledRanges(prior.filter { $0.outcome == .refused })
        let fill = plan.fillsDefaults
            ? CSVRowEncoder.Fill(ids: InferenceIdGenerator(fileDigest: survey.sha256Bytes), defaultTimestamp: defaultTimestamp) : nil
        encoder = CSVRowEncoder(plan: plan, columns: survey.columns, stats: survey.stats, timestamps: survey.timestamps, fill: fill)
        jsonlEncoder = JSONLRowEncoder(plan: plan, stats: survey.stats, timestamps: survey.timestamps, fill: fill)
        types = Array(repeating: [], count: survey.columns.count)
    }

    /// Reads the rows, handing each batch and each row set aside to `emit` as it is made;
    /// `emit` returns false to stop reading.
    mutating func run(emit: (EncodedRows) async throws -> Bool) async throws -> End {
        let read = try SurveyedRead(survey, segment: segment)
        let reader = read.reader
        var ordinal = read.firstOrdinal - 1

        /// Hands on what the last row produced; false when `emit` asks to stop. Called only when
        /// there is something: a call to an async function is a suspension point per row.
        func handOn() async throws -> Bool {
            defer { produced.removeAll(keepingCapacity: true) }
            for rows in produced where try await !emit(rows) { return false }
            return true
        }

        if survey.format == .csv, CSVRowEncoder.serves(plan), let csv = reader.csvReader {
            let encoder = self.encoder
            while let line = try csv.nextRecordFields() {
                ordinal += 1
                try takeCSV(csv, line: line, ordinal: ordinal, encoder: encoder)
                if !produced.isEmpty, try await !handOn() { return .stopped }
            }
        } else if survey.format == .jsonl, JSONLRowEncoder.serves(plan) {
            while let line = try reader.nextJSONLine() {
                ordinal += 1
                try takeJSONL(reader, line: line, ordinal: ordinal)
                if !produced.isEmpty, try await !handOn() { return .stopped }
            }
        } else {
            while let source = try reader.next() {
                ordinal += 1
                try take(source, ordinal: ordinal)
                if !produced.isEmpty, try await !handOn() { return .stopped }
            }
        }
        finishBatch()
        if !produced.isEmpty, try await !handOn() { return .stopped }
        return read.matchesSurvey(lastOrdinal: ordinal) ? .finished : .changed
    }

    /// Takes the CSV record `reader` read last: through the fast path when it can, else as
    /// `take` does.
    /// - Parameter encoder: `self.encoder`, held by the caller for the whole file: read from
    ///   `self` at every row, it is retained and released at every row.
    private mutating func takeCSV(_ reader: CSVReader, line: Int, ordinal: Int, encoder: CSVRowEncoder) throws {
        try reader.withFields { fields in
            // Written straight into the request body; taken back if the row is not sent.
            let start = batcher.beginRow()
            guard let row = encoder.encode(fields, ordinal: ordinal, into: &batcher.body, types: &types),
                let fingerprint = encoder.admitId(of: row, fields: fields, line: line, ids: &idTracker)
            else {
                batcher.cancelRow(start)
                return try take(SourceRecord(line: line, fields), ordinal: ordinal)
            }
            if settledEarlier(ordinal: ordinal, cancelling: start, record: { SourceRecord(line: line, fields) }) { return }
            add(ordinal: ordinal, start: start)
            records.append(fields, line: line)
            if row.givenId != nil { InferenceIdFingerprint.append(fingerprint, to: &fingerprints) }
        }
    }

    /// Takes the JSONL line `reader` found last: through the fast path when it can, else as
    /// `take` does.
    private mutating func takeJSONL(_ reader: SourceReader, line: Int, ordinal: Int) throws {
        try reader.withJSONLine { bytes in
            let start = batcher.beginRow()
            guard let row = jsonlEncoder.encode(bytes, ordinal: ordinal, into: &batcher.body, types: &jsonlTypes),
                let fingerprint = jsonlEncoder.admitId(of: row, line: bytes, lineNumber: line, ids: &idTracker)
            else {
                batcher.cancelRow(start)
                return try take(reader.jsonlRecord(), ordinal: ordinal)
            }
            if settledEarlier(ordinal: ordinal, cancelling: start, record: { reader.jsonlRecord() }) { return }
            add(ordinal: ordinal, start: start)
            records.append(jsonLine: bytes, line: line)
            if row.givenId != nil { InferenceIdFingerprint.append(fingerprint, to: &fingerprints) }
        }
    }

    /// Takes a record the general way: typed by `RowTyper`, filled, written as JSON.
    private mutating func take(_ source: SourceRecord, ordinal: Int) throws {
        issues.removeAll(keepingCapacity: true)
        guard var row = typer.type(source, ids: &idTracker, issues: &issues) else {
            produced.append(.setAside(source, reason: issues.map(RejectionReport.message).joined(separator: "; "), refusedEarlier: false))
            return
        }
        if settledEarlier(ordinal: ordinal, cancelling: nil, record: { source }) { return }
        let givenId = row[plan.inferenceIdColumn]
        if plan.fillsDefaults { filler.fill(&row, ordinal: ordinal) }
        if let sent = plan.sentColumns { row = row.projected(on: sent) }
        typedJSON.removeAll(keepingCapacity: true)
        JSONWriter.append(.object(row), to: &typedJSON)
        let start = batcher.beginRow()
        batcher.body.append(contentsOf: typedJSON)
        add(ordinal: ordinal, start: start)
        records.append(source)
        if case .string(let id)? = givenId {
            InferenceIdFingerprint.append(InferenceIdFingerprint.of(id), to: &fingerprints)
        }
    }

    /// A valid row inside a range an earlier pass settled: not sent again (acknowledged), or
    /// set aside with the earlier refusal's reason. Either closes the batch being filled.
    /// - Parameter row: where the row begins in the body, if it was written there: it is taken back.
    private mutating func settledEarlier(ordinal: Int, cancelling row: RowBatcher.RowStart?, record: () -> SourceRecord) -> Bool {
        guard !acknowledged.isEmpty || !refused.isEmpty else { return false }
        let isAcknowledged = acknowledged.batch(containing: ordinal) != nil
        let earlierRefusal = isAcknowledged ? nil : refused.batch(containing: ordinal)
        guard isAcknowledged || earlierRefusal != nil else { return false }
        if let row { batcher.cancelRow(row) }
        if isAcknowledged {
            rowsAlreadyPublished += 1
            finishBatch()  // batches never straddle rows the journal already settled
            return true
        }
        if let earlier = earlierRefusal {
            finishBatch()
            produced.append(.setAside(record(), reason: earlier.message ?? "refused by Openlayer", refusedEarlier: true))
            return true
        }
        return false
    }

    /// Ends the row written into the body at `start`, handing on the batch that had to close for it.
    private mutating func add(ordinal: Int, start: RowBatcher.RowStart) {
        if let closed = batcher.endRow(start) {
            produced.append(.batch(FilePublisher.PendingBatch(
                batch: closed, firstOrdinal: firstOrdinal, lastOrdinal: lastOrdinal, records: records, fingerprints: fingerprints)))
            records.removeAll()
            fingerprints.removeAll(keepingCapacity: true)
        }
        if records.isEmpty { firstOrdinal = ordinal }
        lastOrdinal = ordinal
    }

    /// Hands on the batch being filled, if any.
    private mutating func finishBatch() {
        guard let batch = batcher.finish() else { return }
        produced.append(.batch(FilePublisher.PendingBatch(
            batch: batch, firstOrdinal: firstOrdinal, lastOrdinal: lastOrdinal, records: records, fingerprints: fingerprints)))
        records = BatchRecords()
        fingerprints = []
    }
}

/// The ranges an earlier pass settled, asked about rows in increasing order: a cursor moves along
/// them sorted, so a resumed file costs a comparison or two a row, not one per earlier batch.
private struct SettledRanges {
    private let batches: [JournalBatch]
    private var cursor = 0

    init(_ batches: [JournalBatch]) {
        self.batches = batches.sorted { $0.firstOrdinal < $1.firstOrdinal }
    }

    var isEmpty: Bool { batches.isEmpty }

    /// The batch whose range holds `ordinal`, which is at least the last one asked about.
    mutating func batch(containing ordinal: Int) -> JournalBatch? {
        while cursor < batches.count, batches[cursor].lastOrdinal < ordinal { cursor += 1 }
        guard cursor < batches.count, batches[cursor].firstOrdinal <= ordinal else { return nil }
        return batches[cursor]
    }
}

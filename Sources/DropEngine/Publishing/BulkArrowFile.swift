import DropFormats
import Foundation

/// A bulk file's valid rows as one Arrow IPC stream beside the claimed file, streaming (one
/// record batch of at most 16384 rows in memory per thread), ready for `BulkPublisher` to upload.
///
/// A file the survey cut into segments is written one part per segment at once, each on its
/// own thread: the stream is the parts one after the other (the first holds the schema, the last
/// the end-of-stream marker), which the upload reads in order. Nothing joins them on disk.
///
/// The parts are not fsynced: after a crash, the file is written again from its source.
struct BulkArrowFile {
    let plan: ColumnPlan

    /// The files that, read one after the other, are the stream.
    struct Parts {
        var paths: [String]
        var rows: Int

        func remove() {
            for path in paths { unlink(path) }
        }
    }

    /// Writes `survey`'s valid rows to an Arrow file beside `claimedPath`, setting invalid ones
    /// aside in `rejects`, and hands the fingerprints of their given inference ids to `noteIds` in
    /// packed chunks (`InferenceIdFingerprint`). CSV rows take `CSVRowEncoder`'s fast path when
    /// they can, as in the stream path; the others go through `RowTyper`.
    ///
    /// Rows set aside reach `rejects` in the order the parts find them.
    func write(
        _ survey: FileSurvey, defaultTimestamp: Int64, rejects: RejectedRowsWriter, noteIds: @escaping ([UInt8]) throws -> Void
    ) async throws -> Parts {
        let arrowPath = URL(fileURLWithPath: survey.path).deletingLastPathComponent().path
            + "/." + URL(fileURLWithPath: survey.path).lastPathComponent + ".arrow"
        let sideEffects = SerializedSideEffects(rejects: rejects, noteIds: noteIds)
        let segments: [FileSegment?] = survey.segments.count > 1 ? survey.segments : [nil]
        let paths = segments.indices.map { $0 == 0 ? arrowPath : arrowPath + ".part\($0)" }
        let last = segments.count - 1
        let written: [(rows: Int, isUnchanged: Bool)]
        // A pass stopped half-way (a shutdown, an unreadable file) leaves no part behind.
        var finished = false
        defer { if !finished { Parts(paths: paths, rows: 0).remove() } }
        if segments.count == 1 {
            written = [try writePart(survey, segment: nil, path: arrowPath, endsStream: true, defaultTimestamp: defaultTimestamp, sideEffects: sideEffects)]
        } else {
            written = try await withThrowingTaskGroup(of: (Int, (rows: Int, isUnchanged: Bool)).self) { group in
                for (index, segment) in segments.enumerated() {
                    group.addTask {
                        (index, try writePart(
                            survey, segment: segment, path: paths[index], endsStream: index == last, defaultTimestamp: defaultTimestamp,
                            sideEffects: sideEffects))
                    }
                }
                var results = [(rows: Int, isUnchanged: Bool)](repeating: (0, false), count: segments.count)
                for try await (index, result) in group { results[index] = result }
                return results
            }
        }
        let parts = Parts(paths: paths, rows: written.reduce(0) { $0 + $1.rows })
        guard written.allSatisfy(\.isUnchanged), (try? FileStamp(path: survey.path))?.sameContent(as: survey.stamp) == true else {
            parts.remove()
            throw FilePublisher.Interruption.fileChanged
        }
        finished = true
        return parts
    }

    /// Writes the rows of one segment (nil: the whole file) as record batches at `path`, the
    /// schema first only in the first part, the end-of-stream marker only in the last. Returns
    /// the rows written, and whether the bytes read were those the survey read.
    private func writePart(
        _ survey: FileSurvey, segment: FileSegment?, path: String, endsStream: Bool, defaultTimestamp: Int64,
        sideEffects: SerializedSideEffects
    ) throws -> (rows: Int, isUnchanged: Bool) {
        let schema = ArrowSchemaPlan(plan: plan, survey: survey)
        let writer = try ArrowStreamWriter(path: path, schema: schema.fields, continuesAnother: (segment?.byteRange.lowerBound ?? 0) > 0)
        let typer = RowTyper(plan: plan, survey: survey)
        var idTracker = DuplicateIdTracker(plan: plan, repeated: survey.repeatedIds)
        let filler = DefaultFiller(plan: plan, fileDigest: survey.sha256Bytes, defaultTimestamp: defaultTimestamp)
        let read = try SurveyedRead(survey, segment: segment)
        let reader = read.reader
        var issues: [RowIssue] = []
        var fingerprints: [UInt8] = []
        var ordinal = read.firstOrdinal - 1
        var rows = 0

        /// A row the general way: typed by RowTyper, filled, written as JSON values.
        func takeTyped(_ source: SourceRecord) throws {
            issues.removeAll(keepingCapacity: true)
            guard var row = typer.type(source, ids: &idTracker, issues: &issues) else {
                try sideEffects.setAside(source, reason: issues.map(RejectionReport.message).joined(separator: "; "))
                return
            }
            let givenId = row[plan.inferenceIdColumn]
            if plan.fillsDefaults { filler.fill(&row, ordinal: ordinal) }
            try writer.append(schema.values(of: row))
            rows += 1
            if case .string(let id)? = givenId {
                InferenceIdFingerprint.append(InferenceIdFingerprint.of(id), to: &fingerprints)
            }
        }
        func noteFull() throws {
            guard fingerprints.count >= 8 * 65_536 else { return }
            try sideEffects.noteIds(fingerprints)
            fingerprints.removeAll(keepingCapacity: true)
        }

        if survey.format == .csv, CSVRowEncoder.serves(plan), let csv = reader.csvReader {
            let fill = plan.fillsDefaults ? CSVRowEncoder.Fill(ids: InferenceIdGenerator(fileDigest: survey.sha256Bytes), defaultTimestamp: defaultTimestamp) : nil
            let encoder = CSVRowEncoder(plan: plan, columns: survey.columns, stats: survey.stats, timestamps: survey.timestamps, fill: fill)
            var verdicts = VerdictOnly()
            var doubles: [Double] = []
            var types = [ColumnStats.Seen](repeating: [], count: survey.columns.count)
            while let line = try csv.nextRecordFields() {
                ordinal += 1
                try csv.withFields { fields in
                    guard let row = encoder.encode(fields, ordinal: ordinal, into: &verdicts, types: &types) else {
                        return try takeTyped(SourceRecord(line: line, fields))
                    }
                    guard let fingerprint = encoder.admitId(of: row, fields: fields, line: line, ids: &idTracker) else {
                        return try takeTyped(SourceRecord(line: line, fields))
                    }
                    try verdicts.withGeneratedId(row.generatedId ?? 0..<0) { generated in
                        try writer.appendRow(textBytes: fields.span.count + 64) { arrow in
                            encoder.appendArrow(fields, generatedId: generated, to: &arrow, doubles: &doubles)
                        }
                    }
                    rows += 1
                    if row.givenId != nil { InferenceIdFingerprint.append(fingerprint, to: &fingerprints) }
                }
                try noteFull()
            }
        } else {
            while let source = try reader.next() {
                ordinal += 1
                try takeTyped(source)
                try noteFull()
            }
        }
        if !fingerprints.isEmpty { try sideEffects.noteIds(fingerprints) }
        _ = try writer.finish(endsStream: endsStream, durable: false)
        return (rows, read.matchesSurvey(lastOrdinal: ordinal))
    }
}

/// Where the parts of a bulk file, written at once, put the rows they set aside and the ids
/// they carry: one at a time.
final class SerializedSideEffects: @unchecked Sendable {
    private let lock = NSLock()
    private let rejects: RejectedRowsWriter
    private let noteIdsInJournal: ([UInt8]) throws -> Void

    init(rejects: RejectedRowsWriter, noteIds: @escaping ([UInt8]) throws -> Void) {
        self.rejects = rejects
        self.noteIdsInJournal = noteIds
    }

    func setAside(_ source: SourceRecord, reason: String) throws {
        try lock.withLock { try rejects.append(source, reason: reason) }
    }

    func noteIds(_ fingerprints: [UInt8]) throws {
        try lock.withLock { try noteIdsInJournal(fingerprints) }
    }
}

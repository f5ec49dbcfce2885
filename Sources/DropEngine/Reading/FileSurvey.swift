import Crypto
import DropFormats
import DropJSON
import Foundation

/// What a first pass over a dropped file learned, before a single row is sent: its identity,
/// its columns, how many rows it holds, what is wrong with it, and how to type its columns.
public struct FileSurvey: Sendable {
    public var path: String
    public var format: SourceFormat
    /// How the file's bytes are read: a `.gz` file through gunzip (its SHA-256, size and
    /// checksum are of the compressed bytes, the file as dropped).
    public var decompression: Decompression = .none
    /// Lowercase hex SHA-256 of the file's bytes: its identity, and the seed of generated ids.
    public var sha256: String
    public var sha256Bytes: [UInt8]
    /// CRC-32C of the file's bytes: what a later pass over the whole file checks that it read the
    /// same bytes by (`SegmentChecksum`; a second SHA-256 cost a twelfth of the publishing pass).
    public var checksum: UInt32 = 0
    public var byteCount: Int64
    /// UNIX seconds; the default timestamp of rows without one.
    public var modificationTime: Int64
    /// The CSV header, or the JSONL keys in order of first appearance.
    public var columns: [String]
    public var rowCount = 0
    /// Problems with the file as a whole (a missing required column, a broken header):
    /// such a file is not sent at all.
    public var problems: [FileProblem] = []
    /// `problems`, as a person reads them.
    public var fileProblems: [String] { problems.map(\.description) }
    /// The first issues found in rows, up to `issueLimit`.
    public var rowIssues: [RowIssue] = []
    public var invalidRowCount = 0
    var inferenceIdColumn: String
    var timestampColumn: String
    /// What the sent rows hold in each column: decides each column's one type.
    var stats: [String: ColumnStats] = [:]
    /// The timestamps rows may carry, fixed at the survey so that every later pass agrees.
    public var timestamps: TimestampRule
    /// Size and modification time when surveyed; a change later means a writer is still at it.
    public var stamp: FileStamp
    /// Valid rows that carry no inference id, or no timestamp, and get one filled in.
    public var rowsWithoutInferenceId = 0
    public var rowsWithoutTimestamp = 0
    /// The inference id of the first and last valid rows: given, or the ordinal to derive it from.
    public var firstInferenceId: InferenceIdSlot?
    public var lastInferenceId: InferenceIdSlot?
    /// The rows set aside for an inference id an earlier row gave: every later pass sets aside
    /// the same ones.
    public var repeatedIds = RepeatedIds()
    /// Where the later passes may cut the file to read it on several cores at once; empty when
    /// it is read whole.
    public var segments: [FileSegment] = []
    /// CSV: the line after the last one read, and the checksum of the bytes read, when this
    /// surveys a part of the file (for putting parts read at once together).
    var endLine = 0
    var partChecksum: UInt32 = 0

    public enum InferenceIdSlot: Sendable, Equatable {
        case given(String)
        case generated(ordinal: Int)
    }

    /// The id a slot stands for, once the file's digest is known.
    public func inferenceId(_ slot: InferenceIdSlot?) -> String? {
        switch slot {
        case .given(let id)?: id
        case .generated(let ordinal)?: InferenceIdGenerator(fileDigest: sha256Bytes).id(forRow: ordinal)
        case nil: nil
        }
    }

    public static let issueLimit = 200

    public var isPublishable: Bool { problems.isEmpty && invalidRowCount == 0 }

    /// Reads the whole file, streaming, hashing it in the same pass; a second time when rows
    /// repeat an inference id, which is known only at the end of the first (`DuplicateIdTracker`).
    /// - Parameters:
    ///   - timestamps: which timestamps rows may carry; by default any date in seconds.
    ///   - scratchDirectory: where the ids of a big file are sorted, on disk.
    ///   - workers: how many threads the later passes may read the file with: it is cut into as
    ///     many `FileSegment`s, none smaller than `segmentMinimumBytes`.
    ///   - progress: told of the bytes and rows read, for a progress display.
    public static func survey(
        path: String, format: SourceFormat, plan: ColumnPlan, timestamps: TimestampRule = .anyDate,
        scratchDirectory: String = NSTemporaryDirectory(), workers: Int = 1, segmentMinimumBytes: Int64 = FileSegment.defaultMinimumBytes,
        limits: FileLimits = FileLimits(), decompression: Decompression = .none, progress: SurveyProgress? = nil
    ) throws -> FileSurvey {
        let size = (try? FileStamp(path: path).size) ?? 0
        // A compressed file has no place to start reading in the middle: it is read whole.
        let segments = decompression.isCompressed ? 1 : FileSegment.count(byteCount: size, workers: workers, minimumBytes: segmentMinimumBytes)
        if segments > 1,
            let inParts = try surveyInParts(path: path, format: format, plan: plan, timestamps: timestamps, parts: segments, limits: limits, progress: progress)
        {
            return inParts
        }
        progress?.restart()
        let finder = RepeatedIdFinder(scratchDirectory: scratchDirectory)
        var attempts = 0
        while true {
            attempts += 1
            let first = try pass(
                path: path, format: format, plan: plan, timestamps: timestamps, ids: DuplicateIdTracker(plan: plan, collectingIn: finder),
                segments: segments, limits: limits, decompression: decompression, progress: progress)
            let repeated = try finder.finish()
            guard !repeated.isEmpty else { return first }
            progress?.restart()
            var second = try pass(
                path: path, format: format, plan: plan, timestamps: timestamps, ids: DuplicateIdTracker(plan: plan, repeated: repeated),
                segments: segments, limits: limits, decompression: decompression, progress: progress)
            second.repeatedIds = repeated
            // The lines found in the first pass hold only for the same content.
            if second.sha256Bytes == first.sha256Bytes || attempts == 3 { return second }
        }
    }

    /// One pass over the file, with `ids` deciding which rows repeat an id.
    ///
    /// A pass over one `part` of a CSV file (`surveyInParts`) counts its rows and lines from 1,
    /// and its `sha256Bytes` is the part's: the caller puts the parts together.
    static func pass(
        path: String, format: SourceFormat, plan: ColumnPlan, timestamps: TimestampRule, ids: DuplicateIdTracker, segments: Int,
        limits: FileLimits, decompression: Decompression = .none, part: (segment: FileSegment, header: [String])? = nil,
        progress: SurveyProgress? = nil
    ) throws -> FileSurvey {
        var ids = ids
        let stamp = try FileStamp(path: path)
        var hasher = SHA256()
        // A part is checked by its checksum: the file's SHA-256 is computed beside the parts.
        var partChecksum = SegmentChecksum()
        var wholeChecksum = SegmentChecksum()
        let cutter = SegmentCutter(byteCount: stamp.size, segments: segments)
        let onBytes = { (bytes: UnsafeRawBufferPointer) in
            progress?.add(bytes: bytes.count)
            if part != nil {
                partChecksum.update(bytes)
                return
            }
            hasher.update(bufferPointer: bytes)
            wholeChecksum.update(bytes)
            if cutter.isCutting { cutter.see(bytes) }
        }
        let reader = try part.map {
            try SourceReader(segment: $0.segment, path: path, format: format, header: $0.header, maxLineBytes: limits.maxLineBytes, onBytes: onBytes)
        } ?? SourceReader(path: path, format: format, decompression: decompression, maxLineBytes: limits.maxLineBytes, onBytes: onBytes)
        var survey = FileSurvey(
            path: path, format: format, sha256: "", sha256Bytes: [], byteCount: stamp.size,
            modificationTime: stamp.modificationSeconds, columns: reader.header ?? [],
            inferenceIdColumn: plan.inferenceIdColumn, timestampColumn: plan.timestampColumn, timestamps: timestamps, stamp: stamp)
        survey.decompression = decompression
        if survey.byteCount == 0 {
            // More likely a writer that closed too early than a batch with nothing to say.
            survey.problems.append(FileProblem(
                kind: .emptyFile,
                message: "the file is empty (0 bytes): expected a header row\(format == .csv ? "" : " or JSON objects"); was it closed before it was written?"))
        } else if part == nil, !decompression.isCompressed, try GzipMagic.starts(path) {
            let ending = format == .csv ? ".csv.gz" : ".jsonl.gz"
            survey.problems.append(FileProblem(
                kind: .compressed,
                message: "the file is gzip-compressed, not plain \(format == .csv ? "CSV" : "JSONL"): name it \(ending) to have it decompressed as it is read"))
        } else if let headerError = reader.headerError {
            survey.problems.append(FileProblem(readError: headerError))
        } else if let header = reader.header {
            survey.checkHeader(header, isBlank: reader.headerIsBlank, headerLine: reader.headerLine, plan: plan)
            if header.count > limits.maxColumns {
                survey.problems.append(FileProblem(
                    kind: .tooManyColumns, line: reader.headerLine,
                    message: "expected at most \(limits.maxColumns) columns (maxColumns), found \(header.count)"))
            }
        }
        var jsonColumns: [String] = []
        var csvStats = [ColumnStats](repeating: ColumnStats(), count: survey.columns.count)
        var seenJSONColumns: Set<String> = []
        let typer = RowTyper(plan: plan, columns: survey.columns, stats: [:], timestamps: timestamps)
        var issues: [RowIssue] = []

        /// Notes a row found valid by `RowTyper`.
        func accept(_ row: JSONObject) {
            survey.noteDefaults(of: row)
            // Only sent rows decide a column's type: a row set aside changes nothing. A CSV
            // row holds every column, in header order.
            if reader.header != nil {
                for (index, field) in row.fields.enumerated() { csvStats[index].observe(field.value) }
            } else {
                for field in row.fields { survey.stats[field.key, default: ColumnStats()].observe(field.value) }
            }
        }
        func reject() {
            survey.invalidRowCount += 1
            let room = issueLimit - survey.rowIssues.count
            if room > 0 { survey.rowIssues.append(contentsOf: issues.prefix(room)) }
        }

        if reader.header != nil, CSVRowEncoder.serves(plan), let csv = reader.csvReader {
            // CSV: the publisher's fast path, so both reach the same verdict the same way.
            let encoder = CSVRowEncoder(plan: plan, columns: survey.columns, stats: [:], timestamps: timestamps, fill: nil)
            var verdicts = VerdictOnly()
            var types = [ColumnStats.Seen](repeating: [], count: survey.columns.count)
            var lastGivenId: [UInt8] = []
            var lastIsGiven = false
            while survey.problems.isEmpty, let line = try survey.nextCSVLine(csv, maxLineBytes: limits.maxLineBytes) {
                survey.rowCount += 1
                progress?.noteRow(survey.rowCount)
                if cutter.isCutting { cutter.noteRow(offset: csv.recordOffset, ordinal: survey.rowCount, line: line) }
                let fast = csv.withFields { fields -> CSVRowEncoder.Row? in
                    guard let row = encoder.encode(fields, ordinal: survey.rowCount, into: &verdicts, types: &types) else { return nil }
                    guard encoder.admitId(of: row, fields: fields, line: line, ids: &ids) != nil else { return nil }
                    if let given = row.givenId {
                        if survey.firstInferenceId == nil { survey.firstInferenceId = .given(String(decoding: fields.bytes(given), as: UTF8.self)) }
                        lastGivenId.removeAll(keepingCapacity: true)
                        lastGivenId.append(contentsOf: fields.bytes(given))
                    }
                    return row
                }
                if let fast {
                    lastIsGiven = survey.noteDefaults(ofFastRow: fast)
                    for index in types.indices where !types[index].isEmpty { csvStats[index].seen.insert(types[index]) }
                    continue
                }
                issues.removeAll(keepingCapacity: true)
                if let row = typer.type(reader.csvRecord(line: line), ids: &ids, issues: &issues) {
                    accept(row)
                    lastIsGiven = false
                } else {
                    reject()
                }
            }
            if lastIsGiven { survey.lastInferenceId = .given(String(decoding: lastGivenId, as: UTF8.self)) }
        } else if reader.header == nil, JSONLRowEncoder.serves(plan) {
            // JSONL: the publisher's fast path too, with the general path for the lines it leaves.
            let encoder = JSONLRowEncoder(plan: plan, stats: [:], timestamps: timestamps, fill: nil)
            var verdicts = VerdictOnly()
            var types: [(column: Int, seen: ColumnStats.Seen)] = []
            var seenByColumn: [ColumnStats.Seen] = []
            var noted: [Bool] = []
            var lastGivenId: [UInt8] = []
            var lastIsGiven = false
            while survey.problems.isEmpty, let line = try reader.nextJSONLine() {
                survey.rowCount += 1
                progress?.noteRow(survey.rowCount)
                if cutter.isCutting { cutter.noteRow(offset: reader.recordOffset, ordinal: survey.rowCount, line: line) }
                let fast = reader.withJSONLine { bytes -> JSONLRowEncoder.Row? in
                    guard let row = encoder.encode(bytes, ordinal: survey.rowCount, into: &verdicts, types: &types),
                        encoder.admitId(of: row, line: bytes, lineNumber: line, ids: &ids) != nil
                    else { return nil }
                    if let given = row.givenId {
                        let id = UnsafeRawBufferPointer(rebasing: bytes[given])
                        if survey.firstInferenceId == nil { survey.firstInferenceId = .given(String(decoding: id, as: UTF8.self)) }
                        lastGivenId.removeAll(keepingCapacity: true)
                        lastGivenId.append(contentsOf: id)
                    }
                    return row
                }
                guard let fast else {
                    let record = reader.jsonlRecord()
                    if case .jsonl(_, let object) = record {
                        for field in object.fields where seenJSONColumns.insert(field.key).inserted { jsonColumns.append(field.key) }
                    }
                    issues.removeAll(keepingCapacity: true)
                    if let row = typer.type(record, ids: &ids, issues: &issues) {
                        accept(row)
                        lastIsGiven = false
                    } else {
                        reject()
                    }
                    continue
                }
                if noted.count < encoder.columns.count {
                    noted += repeatElement(false, count: encoder.columns.count - noted.count)
                    seenByColumn += repeatElement([], count: encoder.columns.count - seenByColumn.count)
                }
                for column in encoder.rowColumns where !noted[column] {
                    noted[column] = true
                    let name = encoder.columns[column]
                    if seenJSONColumns.insert(name).inserted { jsonColumns.append(name) }
                }
                for (column, seen) in types { seenByColumn[column].insert(seen) }
                lastIsGiven = survey.noteDefaults(ofFastRow: fast)
            }
            if lastIsGiven { survey.lastInferenceId = .given(String(decoding: lastGivenId, as: UTF8.self)) }
            for (column, seen) in seenByColumn.enumerated() where !seen.isEmpty {
                survey.stats[encoder.columns[column], default: ColumnStats()].seen.formUnion(seen)
            }
        } else {
            while survey.problems.isEmpty, let record = try survey.nextRecord(reader, maxLineBytes: limits.maxLineBytes) {
                survey.rowCount += 1
                progress?.noteRow(survey.rowCount)
                if cutter.isCutting { cutter.noteRow(offset: reader.recordOffset, ordinal: survey.rowCount, line: record.line) }
                if case .jsonl(_, let object) = record {
                    for field in object.fields where seenJSONColumns.insert(field.key).inserted { jsonColumns.append(field.key) }
                }
                issues.removeAll(keepingCapacity: true)
                if let row = typer.type(record, ids: &ids, issues: &issues) { accept(row) } else { reject() }
            }
        }
        if let line = reader.jsonlTooLongLine {
            survey.problems.append(FileProblem(
                kind: .lineTooLong, line: line, column: 1,
                message: "expected a line of at most \(limits.maxLineBytes) bytes (maxLineBytes), found a longer one starting here"))
        }
        if reader.header == nil, jsonColumns.count > limits.maxColumns {
            survey.problems.append(FileProblem(
                kind: .tooManyColumns, message: "expected at most \(limits.maxColumns) distinct keys (maxColumns), found \(jsonColumns.count)"))
        }
        if let damage = reader.damage {
            // The file problem is the damage: a header or a column found missing before it
            // says only that the text stopped there.
            survey.problems = [FileProblem(
                kind: .badCompression, line: reader.header == nil ? nil : reader.nextLine,
                message: "cannot decompress past this point: \(damage)")]
        }
        let readToTheEnd = survey.problems.isEmpty
        for (index, column) in survey.columns.enumerated() where reader.header != nil { survey.stats[column] = csvStats[index] }
        if reader.header == nil {
            survey.columns = jsonColumns
            if survey.rowCount > 0 {
                let missing = plan.required.filter { !seenJSONColumns.contains($0) }
                if !missing.isEmpty { survey.problems.append(Self.missingColumnsProblem(missing, plan: plan)) }
            }
        }
        survey.endLine = reader.nextLine
        if part != nil {
            survey.partChecksum = partChecksum.value
            return survey
        }
        // A file refused before its end was not hashed whole: hash it again for the report.
        survey.sha256Bytes = readToTheEnd ? Array(hasher.finalize()) : try FileDigest.sha256(path: path)
        survey.checksum = wholeChecksum.value
        if readToTheEnd { survey.segments = cutter.finish(rowCount: survey.rowCount) }
        survey.sha256 = FileDigest.hex(survey.sha256Bytes)
        return survey
    }

    /// Counts what `DefaultFiller` will fill in this valid row, the survey's `rowCount`-th.
    private mutating func noteDefaults(of row: JSONObject) {
        let slot: InferenceIdSlot
        if case .string(let id)? = row[inferenceIdColumn], !id.isEmpty {
            slot = .given(id)
        } else {
            slot = .generated(ordinal: rowCount)
            rowsWithoutInferenceId += 1
        }
        if firstInferenceId == nil { firstInferenceId = slot }
        lastInferenceId = slot
        if case .integer? = row[timestampColumn] {} else { rowsWithoutTimestamp += 1 }
    }

    /// `noteDefaults` for a row a fast path took (its given id, if any, is noted by the caller,
    /// which holds its bytes). Returns whether the row gives its id.
    private mutating func noteDefaults(ofFastRow row: CSVRowEncoder.Row) -> Bool {
        if row.givenId == nil {
            rowsWithoutInferenceId += 1
            let slot = InferenceIdSlot.generated(ordinal: rowCount)
            if firstInferenceId == nil { firstInferenceId = slot }
            lastInferenceId = slot
        }
        if !row.hasTimestamp { rowsWithoutTimestamp += 1 }
        return row.givenId != nil
    }

    /// `nextRecord` for the fast path: the next CSV record's line, its fields left in `reader`.
    /// A record longer than `maxLineBytes` ends the pass as a file problem, as the reader's own
    /// check does for one too long to hold.
    private mutating func nextCSVLine(_ reader: CSVReader, maxLineBytes: Int) throws -> Int? {
        guard let line = try problemOnSyntaxError({ try reader.nextRecordFields() }) else { return nil }
        guard reader.recordByteCount <= maxLineBytes else {
            problems.append(FileProblem(readError: .recordTooLong(line: line, limit: maxLineBytes)))
            return nil
        }
        return line
    }

    private mutating func nextRecord(_ reader: SourceReader, maxLineBytes: Int) throws -> SourceRecord? {
        guard let record = try problemOnSyntaxError({ try reader.next() }) else { return nil }
        if let csv = reader.csvReader, csv.recordByteCount > maxLineBytes {
            problems.append(FileProblem(readError: .recordTooLong(line: record.line, limit: maxLineBytes)))
            return nil
        }
        return record
    }

    /// A syntax error that ends the file's readability (an unterminated quote) becomes a file
    /// problem instead of an error, so the file is rejected, not retried; nil then ends the pass.
    private mutating func problemOnSyntaxError<Read>(_ read: () throws -> Read?) throws -> Read? {
        do {
            return try read()
        } catch let error as FormatError {
            problems.append(FileProblem(readError: error))
            return nil
        }
    }

    private mutating func checkHeader(_ header: [String], isBlank: Bool, headerLine: Int, plan: ColumnPlan) {
        if isBlank {
            problems.append(FileProblem(
                kind: .emptyHeader, line: headerLine, message: "expected a header row naming the columns, found an empty line"))
            return
        }
        let present = Set(header)
        let missing = plan.required.filter { !present.contains($0) }
        if !missing.isEmpty { problems.append(Self.missingColumnsProblem(missing, plan: plan)) }
    }

    static func missingColumnsProblem(_ missing: [String], plan: ColumnPlan) -> FileProblem {
        let names = missing.map { "'\($0)'" }.joined(separator: ", ")
        return FileProblem(kind: .missingColumn, columnName: missing.first, message: "missing required column\(missing.count == 1 ? "" : "s") \(names): the pipeline's data config names \(missing.count == 1 ? "it" : "them"), so every file must have \(missing.count == 1 ? "it" : "them")")
    }
}

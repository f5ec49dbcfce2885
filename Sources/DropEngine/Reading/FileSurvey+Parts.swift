import DropFormats
import Foundation
import NIOConcurrencyHelpers

extension FileSurvey {
    /// The survey of a big CSV file read in parts at once, one thread each, and put together:
    /// the same survey a single pass makes, in about the time of one part. Nil when the file
    /// must be read in one pass.
    ///
    /// Where a part starts is a guess, the byte after a line feed near an even share of the
    /// file: a line feed inside a quoted field would make it wrong. The guess is checked by the
    /// part before it: read up to the guess and no further, that part ends cleanly exactly when
    /// the line feed ended a record; a line feed inside quotes leaves its last field unclosed,
    /// which the reader reports. Any part that reports a problem sends the file to the single
    /// pass, which finds and words it the usual way, so a part never has to.
    ///
    /// Only files whose rows give no inference id: repeated ids are found by comparing every
    /// row with every earlier one, across parts, which the single pass does in bounded memory.
    /// The whole file's SHA-256 (and checksum) is computed on a thread of its own beside the parts.
    static func surveyInParts(
        path: String, format: SourceFormat, plan: ColumnPlan, timestamps: TimestampRule, parts: Int, limits: FileLimits,
        progress: SurveyProgress? = nil
    ) throws -> FileSurvey? {
        guard format == .csv, CSVRowEncoder.serves(plan) else { return nil }
        let stamp = try FileStamp(path: path)
        let header: [String]
        do {
            let reader = try SourceReader(path: path, format: .csv, maxLineBytes: limits.maxLineBytes)
            guard reader.headerError == nil, !reader.headerIsBlank, let read = reader.header else { return nil }
            header = read
        }
        guard plan.purpose == .reference || !header.contains(plan.inferenceIdColumn) else { return nil }
        let starts = try partStarts(path: path, size: stamp.size, parts: parts)
        guard starts.count > 1 else { return nil }
        let ranges = starts.indices.map { starts[$0]..<(($0 + 1 < starts.count) ? starts[$0 + 1] : stamp.size) }

        let results = NIOLockedValueBox([Result<FileSurvey, any Error>?](repeating: nil, count: ranges.count))
        let whole = NIOLockedValueBox<Result<(sha256: [UInt8], checksum: UInt32), any Error>?>(nil)
        var jobs: [@Sendable () -> Void] = [{
            let result = Result { try FileDigest.sha256AndChecksum(path: path) }
            whole.withLockedValue { $0 = result }
        }]
        for (index, range) in ranges.enumerated() {
            let segment = FileSegment(byteRange: range, firstOrdinal: 1, rowCount: 0, firstLine: 1, checksum: 0)
            jobs.append {
                let result = Result {
                    // Rows that give an id make the file go to the single pass: nothing to collect.
                    let finder = RepeatedIdFinder(scratchDirectory: NSTemporaryDirectory())
                    return try pass(
                        path: path, format: .csv, plan: plan, timestamps: timestamps, ids: DuplicateIdTracker(plan: plan, collectingIn: finder),
                        segments: 1, limits: limits, part: (segment, header), progress: progress)
                }
                results.withLockedValue { $0[index] = result }
            }
        }
        BlockingThreads.run(named: "drop survey", jobs)

        let surveyed = try results.withLockedValue { try $0.map { try $0!.get() } }
        guard surveyed.allSatisfy({ $0.problems.isEmpty }), surveyed[0].rowCount > 0,
            (try? FileStamp(path: path))?.sameContent(as: stamp) == true
        else { return nil }
        var survey = surveyed[0]
        survey.stamp = stamp
        (survey.sha256Bytes, survey.checksum) = try whole.withLockedValue { try $0!.get() }
        survey.sha256 = FileDigest.hex(survey.sha256Bytes)
        var segments = [FileSegment(byteRange: ranges[0], firstOrdinal: 1, rowCount: survey.rowCount, firstLine: 1, checksum: surveyed[0].partChecksum)]
        var line = survey.endLine
        for (index, part) in surveyed.enumerated().dropFirst() {
            segments.append(FileSegment(
                byteRange: ranges[index], firstOrdinal: survey.rowCount + 1, rowCount: part.rowCount, firstLine: line, checksum: part.partChecksum))
            survey.absorb(part, linesBefore: line - 1)
            line += part.endLine - 1
        }
        survey.segments = segments
        return survey
    }

    /// Adds a later part's findings, its rows and lines counted from 1, to this survey's.
    private mutating func absorb(_ part: FileSurvey, linesBefore: Int) {
        let rowsBefore = rowCount
        func rebased(_ slot: InferenceIdSlot?) -> InferenceIdSlot? {
            guard case .generated(let ordinal)? = slot else { return slot }
            return .generated(ordinal: ordinal + rowsBefore)
        }
        rowCount += part.rowCount
        invalidRowCount += part.invalidRowCount
        for var issue in part.rowIssues.prefix(max(0, Self.issueLimit - rowIssues.count)) {
            issue.line += linesBefore
            rowIssues.append(issue)
        }
        for (column, stats) in part.stats { self.stats[column, default: ColumnStats()].seen.formUnion(stats.seen) }
        rowsWithoutInferenceId += part.rowsWithoutInferenceId
        rowsWithoutTimestamp += part.rowsWithoutTimestamp
        if firstInferenceId == nil { firstInferenceId = rebased(part.firstInferenceId) }
        if part.lastInferenceId != nil { lastInferenceId = rebased(part.lastInferenceId) }
    }

    /// Where each part starts: 0, then the byte after the first line feed at or after each even
    /// share of the file. Fewer parts when shares share a line, or a line runs past 1 MiB.
    private static func partStarts(path: String, size: Int64, parts: Int) throws -> [Int64] {
        let descriptor = try RegularFile.openForReading(path)
        defer { close(descriptor) }
        var starts: [Int64] = [0]
        var window = [UInt8](repeating: 0, count: 64 * 1024)
        targets: for share in 1..<parts {
            var offset = max(size * Int64(share) / Int64(parts), (starts.last ?? 0) + 1)
            let limit = offset + (1 << 20)
            while offset < min(limit, size) {
                let count = window.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
                guard count > 0 else { break targets }
                if let index = window[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                    let start = offset + Int64(index) + 1
                    if start < size { starts.append(start) }
                    continue targets
                }
                offset += Int64(count)
            }
        }
        return starts
    }
}

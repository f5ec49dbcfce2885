/// A later pass's reading of a surveyed file, whole or one `FileSegment`: its reader, the ordinal
/// of its first row, and whether what the pass read is what the survey read — as many rows, and
/// the same CRC-32C (the survey's of the segment, or of the whole file).
final class SurveyedRead {
    let reader: SourceReader
    let firstOrdinal: Int
    private let expectedRows: Int
    private let expectedChecksum: UInt32
    private let sum: Sum

    /// The checksum the reader's byte callback adds to.
    private final class Sum {
        var checksum = SegmentChecksum()
    }

    init(_ survey: FileSurvey, segment: FileSegment?) throws {
        let sum = Sum()
        self.sum = sum
        reader = try segment.map {
            try SourceReader(segment: $0, path: survey.path, format: survey.format, header: survey.columns) { sum.checksum.update($0) }
        } ?? SourceReader(path: survey.path, format: survey.format, decompression: survey.decompression) { sum.checksum.update($0) }
        firstOrdinal = segment?.firstOrdinal ?? 1
        expectedRows = segment?.rowCount ?? survey.rowCount
        expectedChecksum = segment?.checksum ?? survey.checksum
    }

    /// Whether the pass, having read to the end and numbered the last row `lastOrdinal`, read
    /// exactly the survey's bytes and rows.
    func matchesSurvey(lastOrdinal: Int) -> Bool {
        lastOrdinal - firstOrdinal + 1 == expectedRows && sum.checksum.value == expectedChecksum
    }
}

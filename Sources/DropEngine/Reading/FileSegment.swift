import CHashing

/// A stretch of a big file that one thread reads and encodes while others take the rest: it
/// starts where a row starts, so its rows are exactly those a reader of the whole file finds
/// there, with the same ordinals and line numbers.
///
/// The survey cuts them (`SegmentCutter`) and notes each one's checksum, so that a later pass
/// over a segment proves it read the bytes the survey read, as a pass over the whole file does
/// with the file's SHA-256.
public struct FileSegment: Sendable, Equatable {
    public var byteRange: Range<Int64>
    /// The ordinal of its first row (rows count from 1), and how many rows it holds.
    public var firstOrdinal: Int
    public var rowCount: Int
    /// The line its first row starts on.
    public var firstLine: Int
    /// CRC-32C of the segment's bytes (`SegmentChecksum`).
    public var checksum: UInt32

    public static let defaultMinimumBytes: Int64 = 4 << 20

    /// The segments a file of `byteCount` bytes is cut into: one per worker, none smaller than
    /// `minimumBytes`, so that a small file, whose passes take milliseconds, is read whole.
    static func count(byteCount: Int64, workers: Int, minimumBytes: Int64) -> Int {
        guard minimumBytes > 0 else { return max(1, workers) }
        return Int(max(1, min(Int64(max(1, workers)), byteCount / minimumBytes)))
    }
}

/// Cuts a file into `FileSegment`s while the survey reads it: at the first row that starts at
/// or after each of the evenly spaced targets, so that segments hold about the same bytes.
///
/// It sees every byte the survey's reader reads, in order (`see`), and every row start
/// (`noteRow`). Bytes before a target belong to the segment being read; bytes past it wait
/// (`pending`, at most one row and one chunk) until the row that starts the next segment is
/// found, then go to one side of the cut or the other. Each segment's bytes are summed into its
/// checksum (`SegmentChecksum`).
final class SegmentCutter {
    private let targets: [Int64]
    private var nextTarget = 0
    private var starts: [(offset: Int64, ordinal: Int, line: Int)] = [(0, 1, 1)]
    private var checksums: [UInt32] = []
    private var checksum = SegmentChecksum()
    /// Bytes seen so far.
    private var seen: Int64 = 0
    /// Bytes from `pendingStart` on, seen but not yet summed: the next cut may fall among them.
    private var pending: [UInt8] = []
    private var pendingStart: Int64?

    init(byteCount: Int64, segments: Int) {
        targets = segments > 1 ? (1..<segments).map { byteCount * Int64($0) / Int64(segments) } : []
    }

    var isCutting: Bool { !targets.isEmpty }

    /// Takes the next bytes the reader read.
    func see(_ bytes: UnsafeRawBufferPointer) {
        absorb(bytes, at: seen)
        seen += Int64(bytes.count)
    }

    /// Notes that a row starts at `offset`: a new segment starts there if a target lies at or
    /// before it (and after the current segment's start).
    func noteRow(offset: Int64, ordinal: Int, line: Int) {
        guard nextTarget < targets.count, offset >= targets[nextTarget] else { return }
        let held = pending
        let heldStart = pendingStart ?? offset
        pending.removeAll(keepingCapacity: true)
        pendingStart = nil
        held.withUnsafeBytes { bytes in
            let before = Int(offset - heldStart)
            checksum.update(UnsafeRawBufferPointer(rebasing: bytes[..<before]))
            checksums.append(checksum.value)
            checksum = SegmentChecksum()
            starts.append((offset, ordinal, line))
            while nextTarget < targets.count, targets[nextTarget] <= offset { nextTarget += 1 }
            absorb(UnsafeRawBufferPointer(rebasing: bytes[before...]), at: offset)
        }
    }

    /// The segments, once the reader has read the whole file and `rowCount` rows; empty when
    /// the file was not cut.
    func finish(rowCount: Int) -> [FileSegment] {
        guard starts.count > 1 else { return [] }
        pending.withUnsafeBytes { checksum.update($0) }
        checksums.append(checksum.value)
        return starts.indices.map { index in
            let end = index + 1 < starts.count ? starts[index + 1] : (offset: seen, ordinal: rowCount + 1, line: 0)
            return FileSegment(
                byteRange: starts[index].offset..<end.offset, firstOrdinal: starts[index].ordinal,
                rowCount: end.ordinal - starts[index].ordinal, firstLine: starts[index].line, checksum: checksums[index])
        }
    }

    /// Adds `bytes`, which start at file offset `start`, to the segment's checksum up to the
    /// next target; keeps the rest pending.
    private func absorb(_ bytes: UnsafeRawBufferPointer, at start: Int64) {
        guard !bytes.isEmpty else { return }
        if pendingStart != nil {
            pending.append(contentsOf: bytes)
            return
        }
        guard nextTarget < targets.count, start + Int64(bytes.count) > targets[nextTarget] else {
            checksum.update(bytes)
            return
        }
        let before = Int(max(0, targets[nextTarget] - start))
        checksum.update(UnsafeRawBufferPointer(rebasing: bytes[..<before]))
        pendingStart = start + Int64(before)
        pending.append(contentsOf: bytes[before...])
    }
}

/// CRC-32C of bytes seen in order: a segment's checksum. The survey reads every byte of a big
/// file two or three times over (a part, the file's SHA-256, a segment again when publishing):
/// a SHA-256 for each segment too cost a tenth of the CPU of a publish, this a fiftieth.
struct SegmentChecksum {
    private(set) var value: UInt32 = 0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        value = crc32c_update(value, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }
}

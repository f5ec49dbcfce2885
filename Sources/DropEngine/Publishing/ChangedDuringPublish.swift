import Crypto
import DropFormats
import Foundation

/// A file written to while it was being published, after some of its rows were acknowledged:
/// what was sent, and whether the new version only added rows to the one that was checked.
///
/// Only a writer that kept the file open can do this. Rows already acknowledged stay
/// published. When the new version begins with the earlier one byte for byte (rows were
/// appended), the acknowledged rows are exactly its rows at those ordinals: the file is then
/// finished without sending anything more, every other row set aside with `reason`, so that each
/// row is published or in `rejected/`, never both. Otherwise no row of the new version was
/// sent, and the file goes to `rejected/` whole.
struct ChangedDuringPublish {
    static let reason = "not sent: the file was written to while it was being published"

    /// The acknowledged rows, by ordinal (data rows, counted from 1).
    let sent: [ClosedRange<Int>]
    let earlierSha256: String
    /// The new version begins with the earlier one: it is the earlier one with rows added.
    let isAppended: Bool

    /// - Parameters:
    ///   - file: its journal entry, still with the earlier version's SHA-256 and size.
    ///   - location: where the new version is.
    init(file: JournalFile, batches: [JournalBatch], newSize: Int64, location: String) throws {
        sent = Self.ranges(batches.filter { $0.outcome == .acknowledged })
        earlierSha256 = file.earlierSha256 ?? file.sha256 ?? ""
        isAppended = try newSize > file.size && Self.sha256(ofFirst: file.size, at: location) == file.sha256
    }

    /// "ordinals 1–4 and 7–10 (8 rows)", or "no rows".
    var sentDescription: String {
        guard !sent.isEmpty else { return "no rows" }
        let count = sent.reduce(0) { $0 + $1.count }
        let spans = sent.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }
        let listed = spans.count <= 1 ? spans.joined() : spans.dropLast().joined(separator: ", ") + " and " + spans.last!
        return "ordinals \(listed) (\(count) row\(count == 1 ? "" : "s"))"
    }

    /// How the sent rows' inference ids can be found again.
    var idsDescription: String {
        "their inference ids are the file's own, or for a row without one, generated from the earlier version's SHA-256 (\(earlierSha256)) and the row's ordinal"
    }

    /// Ranges covering every ordinal up to `rowCount` that no batch of `batches` holds, as
    /// refusals with `reason`: given to the publishing pass with the journal's batches, they
    /// make it set aside every row not acknowledged, and send none.
    static func unsettled(rowCount: Int, batches: [JournalBatch], fileId: Int64) -> [JournalBatch] {
        var gaps: [JournalBatch] = []
        var next = 1
        for range in ranges(batches) where range.lowerBound <= rowCount {
            if range.lowerBound > next { gaps.append(refusal(next...(range.lowerBound - 1), fileId: fileId)) }
            next = max(next, range.upperBound + 1)
        }
        if next <= rowCount { gaps.append(refusal(next...rowCount, fileId: fileId)) }
        return gaps
    }

    private static func refusal(_ range: ClosedRange<Int>, fileId: Int64) -> JournalBatch {
        JournalBatch(
            fileId: fileId, firstOrdinal: range.lowerBound, lastOrdinal: range.upperBound, rows: 0, outcome: .refused, message: reason,
            at: Journal.timestamp(Date()))
    }

    /// The batches' ordinal ranges, sorted, adjacent ones joined.
    private static func ranges(_ batches: [JournalBatch]) -> [ClosedRange<Int>] {
        var joined: [ClosedRange<Int>] = []
        for batch in batches.sorted(by: { $0.firstOrdinal < $1.firstOrdinal }) {
            if let last = joined.last, batch.firstOrdinal <= last.upperBound + 1 {
                joined[joined.count - 1] = last.lowerBound...max(last.upperBound, batch.lastOrdinal)
            } else {
                joined.append(batch.firstOrdinal...batch.lastOrdinal)
            }
        }
        return joined
    }

    /// The SHA-256 of the file's first `count` bytes, read from a descriptor that follows no link.
    private static func sha256(ofFirst count: Int64, at path: String) throws -> String {
        let descriptor = try RegularFile.openForReading(path)
        defer { close(descriptor) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        while offset < count {
            let wanted = Int(min(Int64(buffer.count), count - offset))
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(offset)) }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { return "" }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<read])) }
            offset += Int64(read)
        }
        return FileDigest.hex(Array(hasher.finalize()))
    }
}

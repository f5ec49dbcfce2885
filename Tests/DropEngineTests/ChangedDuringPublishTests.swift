@testable import DropEngine
import Foundation
import Testing

@Suite("A file written to during its publish")
struct ChangedDuringPublishTests {
    static func batch(_ range: ClosedRange<Int>, _ outcome: JournalBatch.Outcome = .acknowledged) -> JournalBatch {
        JournalBatch(fileId: 1, firstOrdinal: range.lowerBound, lastOrdinal: range.upperBound, rows: range.count, outcome: outcome, message: nil, at: "t")
    }

    @Test("Every ordinal no batch settled is set aside as not sent, and none twice")
    func unsettledRanges() {
        let batches = [Self.batch(3...4), Self.batch(1...2), Self.batch(7...8, .refused), Self.batch(12...13)]
        let gaps = ChangedDuringPublish.unsettled(rowCount: 15, batches: batches, fileId: 1)
        #expect(gaps.map { $0.firstOrdinal...$0.lastOrdinal } == [5...6, 9...11, 14...15])
        #expect(gaps.allSatisfy { $0.outcome == .refused && $0.message == ChangedDuringPublish.reason })
        #expect(ChangedDuringPublish.unsettled(rowCount: 4, batches: batches, fileId: 1).isEmpty)
    }

    @Test("The rows sent are told as joined ordinal ranges, and only the appended version counts as the same file")
    func sentRowsAndAppending() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let earlier = "a,b\n1,2\n3,4\n"
        let path = try directory.write("f.csv", earlier + "5,6\n")
        var file = JournalFile(pipeline: "p", kind: .predictions, name: "f.csv", claimedPath: path, state: .publishing, size: Int64(earlier.utf8.count), claimedAt: "t")
        file.sha256 = FileDigest.hex(try FileDigest.sha256(path: try directory.write("earlier.csv", earlier)))
        let batches = [Self.batch(1...1), Self.batch(2...2), Self.batch(4...6), Self.batch(3...3, .refused)]
        let appended = try ChangedDuringPublish(file: file, batches: batches, newSize: Int64(earlier.utf8.count + 4), location: path)
        #expect(appended.isAppended)
        #expect(appended.sentDescription == "ordinals 1–2 and 4–6 (5 rows)")
        #expect(try ChangedDuringPublish(file: file, batches: [Self.batch(1...3, .refused)], newSize: 20, location: path).sentDescription == "no rows")
        _ = try directory.write("f.csv", "a,b\n9,2\n3,4\n5,6\n")
        #expect(try !ChangedDuringPublish(file: file, batches: batches, newSize: Int64(earlier.utf8.count + 4), location: path).isAppended)
    }
}

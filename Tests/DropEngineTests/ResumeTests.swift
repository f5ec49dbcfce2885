@testable import DropEngine
import DropFormats
import DropJSON
import Foundation
import OpenlayerAPI
import Testing

@Suite("Resuming, refusals and rows set aside")
struct ResumeTests {
    static func csv(rows: Int, badLines: Set<Int> = []) -> String {
        var text = "amount,merchant,hour,prediction,scores\n"
        for index in 1...rows {
            text += badLines.contains(index + 1) ? "oops,m\(index),1,0,\"[1,0]\"\n" : "\(index).5,m\(index),1,0,\"[1,0]\"\n"
        }
        return text
    }

    static func merchants(_ batches: [DataStreamBatch]) throws -> [String] {
        try batches.flatMap(Fixtures.rows).compactMap { if case .string(let m)? = $0["merchant"] { m } else { nil } }
    }

    @Test("An interrupted pass resumes at the first unacknowledged row; acknowledged rows are never sent again")
    func resume() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.csv", Self.csv(rows: 25))
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        var settings = PublishSettings()
        settings.batchRows = 5
        settings.maxBatchesInFlight = 1
        let sent = Counter()
        // The first pass gets two batches through, then shutdown strikes.
        await #expect(throws: FilePublisher.Interruption.shutdown) {
            _ = try await Fixtures.publish(survey, settings: settings) { _ in sent.next() <= 2 ? .acknowledged : .abandoned }
        }
        let first = try await Self.firstPass(survey, settings: settings)
        #expect(first.map(\.outcome) == [.acknowledged, .acknowledged])
        #expect(first.map(\.firstOrdinal) == [1, 6])
        #expect(first.map(\.lastOrdinal) == [5, 10])

        let (outcome, batches, journaled) = try await Fixtures.publish(survey, settings: settings, prior: first)
        #expect(try Self.merchants(batches) == (11...25).map { "m\($0)" })
        #expect(outcome.rowsAlreadyPublished == 10)
        #expect(outcome.rowsAcknowledged == 15)
        #expect(journaled.map(\.firstOrdinal) == [11, 16, 21])
    }

    /// Replays the first pass of `resume` to get what it journaled.
    static func firstPass(_ survey: FileSurvey, settings: PublishSettings) async throws -> [JournalBatch] {
        let sent = Counter()
        let journaled = JournalCollector()
        let rejects = RejectedRowsWriter(claimedPath: survey.path, format: .csv, header: survey.columns)
        defer { rejects.discard() }
        _ = try? await FilePublisher(plan: Fixtures.fraudPlan, settings: settings).publish(
            survey, defaultTimestamp: 0, prior: [], rejects: rejects,
            deliver: { _ in sent.next() <= 2 ? .acknowledged : .abandoned }, record: { batch, _ in journaled.add(batch) })
        return journaled.batches
    }

    @Test("A refused batch's rows are set aside with the server's message; the rest is published")
    func refusedBatch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.csv", Self.csv(rows: 6, badLines: [5]))
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        #expect(survey.invalidRowCount == 1)
        var settings = PublishSettings()
        settings.batchRows = 2
        settings.maxBatchesInFlight = 1
        let rejects = RejectedRowsWriter(claimedPath: path, format: .csv, header: survey.columns)
        let sent = Counter()
        let journaled = JournalCollector()
        let outcome = try await FilePublisher(plan: Fixtures.fraudPlan, settings: settings).publish(
            survey, defaultTimestamp: 0, prior: [], rejects: rejects,
            deliver: { _ in sent.next() == 2 ? .refused("POST /data-stream answered 400: bad row") : .acknowledged },
            record: { batch, _ in journaled.add(batch) })
        #expect(try rejects.close())
        #expect(outcome.rowsInvalid == 1)
        #expect(outcome.rowsRefused == 2)
        #expect(outcome.rowsAcknowledged == 3)
        #expect(journaled.batches.map(\.outcome) == [.acknowledged, .refused, .acknowledged])
        // The invalid row (line 5, ordinal 4) sits inside the refused batch's range but is not in its count.
        #expect(journaled.batches[1].firstOrdinal == 3 && journaled.batches[1].lastOrdinal == 5 && journaled.batches[1].rows == 2)

        let moved = try #require(try RejectedRowsWriter.deliver(claimedPath: path, format: .csv, into: directory.path + "/rejected", fileName: "a.csv"))
        #expect(moved == directory.path + "/rejected/a.rejected.csv")
        let reader = try CSVReader(path: moved)
        var records: [[String]] = []
        while let record = try reader.next() { records.append(record.fields) }
        #expect(records[0] == ["_line", "_reason", "amount", "merchant", "hour", "prediction", "scores"])
        #expect(records.count == 4)
        let byLine = Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0[0], $0) })
        #expect(byLine["5"]?[1] == "column 'amount': expected a number, found 'oops' — write plain numbers: no units, no thousands separators, '.' for decimals")
        #expect(byLine["5"]?[2] == "oops")
        #expect(byLine["4"]?[1] == "refused by Openlayer: POST /data-stream answered 400: bad row")
        #expect(byLine["6"]?[3] == "m5")

        // Resumed, the refused range goes straight to the rejected rows: nothing is sent again.
        let (again, batches, _) = try await Fixtures.publish(survey, settings: settings, prior: journaled.batches)
        #expect(batches.isEmpty)
        #expect(again.rowsRefused == 2 && again.rowsAlreadyPublished == 3 && again.rowsInvalid == 1)
    }

    @Test("A malformed JSONL line is set aside as written")
    func malformedLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.jsonl", """
            {"amount": 1, "merchant": "a", "hour": 1, "prediction": 0, "scores": [1, 0]}
            {"amount": 2, "merchant": "b",
            {"amount": 3, "merchant": "c", "hour": 1, "prediction": 0, "scores": [1, 0]}
            """)
        let survey = try FileSurvey.survey(path: path, format: .jsonl, plan: Fixtures.fraudPlan)
        let rejects = RejectedRowsWriter(claimedPath: path, format: .jsonl, header: nil)
        _ = try await FilePublisher(plan: Fixtures.fraudPlan, settings: PublishSettings()).publish(
            survey, defaultTimestamp: 0, prior: [], rejects: rejects, deliver: { _ in .acknowledged }, record: { _, _ in })
        #expect(try rejects.close())
        let moved = try #require(try RejectedRowsWriter.deliver(claimedPath: path, format: .jsonl, into: directory.path + "/r", fileName: "a.jsonl"))
        let text = try String(contentsOfFile: moved, encoding: .utf8)
        guard case .object(let line)? = try? JSONParser.parse(text.split(separator: "\n")[0].description) else {
            Issue.record("not a JSON object: \(text)"); return
        }
        #expect(line["_line"] == .integer(2))
        #expect(line["_text"] == .string(#"{"amount": 2, "merchant": "b","#))
    }
}

/// A thread-safe counter for closures that run concurrently.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

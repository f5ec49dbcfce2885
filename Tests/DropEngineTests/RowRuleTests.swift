@testable import DropEngine
import Foundation
import Testing

@Suite("The checks Openlayer's legacy client made before sending")
struct RowRuleTests {
    static let header = "amount,merchant,hour,prediction,scores,timestamp\n"

    static func issues(_ rows: String, timestampWindowDays: Int? = nil, now: Int64 = 1_795_651_200) throws -> [RowIssue] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("f.csv", header + rows)
        let timestamps = TimestampRule(windowDays: timestampWindowDays, now: now)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan, timestamps: timestamps)
        return survey.rowIssues
    }

    @Test("Any date in UNIX seconds is published; milli-, micro- and nanoseconds are refused with a hint")
    func timestampUnits() throws {
        let found = try Self.issues("""
            1,fuel,1,0,"[0.5, 0.5]",1631971200
            1,fuel,1,0,"[0.5, 0.5]",1795651200000
            1,fuel,1,0,"[0.5, 0.5]",1795651200000000
            1,fuel,1,0,"[0.5, 0.5]",1795651200000000000
            1,fuel,1,0,"[0.5, 0.5]",86400
            1,fuel,1,0,"[0.5, 0.5]",99999999999

            """)
        #expect(found.map(\.line) == [3, 4, 5])
        #expect(found.allSatisfy { $0.kind == .timestampMilliseconds && $0.column == 6 && $0.columnName == "timestamp" })
        #expect(found.allSatisfy { $0.expected == "a timestamp in UNIX seconds, like 1764115200" })
        #expect(found.map(\.hint) == [
            "this looks like milliseconds: divide by 1000", "this looks like microseconds: divide by 1,000,000",
            "this looks like nanoseconds: divide by 1,000,000,000",
        ])
    }

    @Test("With timestampWindowDays, a timestamp further from now is set aside")
    func timestampWindow() throws {
        let found = try Self.issues("""
            1,fuel,1,0,"[0.5, 0.5]",1795651200
            1,fuel,1,0,"[0.5, 0.5]",1795651200000
            1,fuel,1,0,"[0.5, 0.5]",1500000000
            1,fuel,1,0,"[0.5, 0.5]",1795564801

            """, timestampWindowDays: 1)
        #expect(found.count == 2)
        #expect(found[0].line == 3 && found[0].kind == .timestampMilliseconds)
        #expect(found[1].line == 4 && found[1].kind == .timestampWindow && found[1].column == 6)
        #expect(found[1].expected == "a timestamp in UNIX seconds within 1 day of now (timestampWindowDays)")
        #expect(found[1].hint?.hasPrefix("UNIX seconds count from 1970-01-01 UTC") == true)
    }

    @Test("Prediction scores must sum to about 1")
    func scoreSum() throws {
        let found = try Self.issues("""
            1,fuel,1,0,"[0.5, 0.7]",
            1,fuel,1,0,"[0.45, 0.5]",

            """)
        #expect(found.count == 1)
        #expect(found[0].line == 2 && found[0].columnName == "scores")
        #expect(found[0].expected == "class probabilities that sum to 1 (0.9 to 1.1), found a sum of 1.2")
    }

    @Test("Text cells longer than 50,000 characters are refused")
    func textLength() throws {
        let long = String(repeating: "é", count: 50_001)
        let fine = String(repeating: "é", count: 50_000)
        let found = try Self.issues("1,\(long),1,0,\"[0.5, 0.5]\",\n1,\(fine),1,0,\"[0.5, 0.5]\",\n")
        #expect(found.count == 1)
        #expect(found[0].line == 2 && found[0].columnName == "merchant")
        #expect(found[0].expected == "text of at most 50,000 characters, found 50001")
        #expect(found[0].value?.count == 60)
    }
}

@Suite("Inference ids unique within a file")
struct DuplicateIdTests {
    @Test("The hash is 64-bit FNV-1a: the same in every process, so both passes agree")
    func stableHash() {
        #expect(DuplicateIdTracker.hash("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(DuplicateIdTracker.hash("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(DuplicateIdTracker.hash("foobar".utf8) == 0x8594_4171_f739_67e8)
    }

    @Test("A second row with a given id points at the first, once the first pass is over; reference datasets are exempt")
    func tracker() throws {
        let finder = RepeatedIdFinder(scratchDirectory: NSTemporaryDirectory())
        var first = DuplicateIdTracker(plan: Fixtures.fraudPlan, collectingIn: finder)
        for (id, line) in [("a1", 2), ("a2", 3), ("a1", 7), ("a1", 9)] {
            let earlier = first.earlierLine(of: id, line: line)
            #expect(earlier == nil)
        }
        let repeated = try finder.finish()
        #expect(repeated.count == 2)
        var ids = DuplicateIdTracker(plan: Fixtures.fraudPlan, repeated: repeated)
        #expect(ids.earlierLine(of: "a1", line: 2) == nil)
        #expect(ids.earlierLine(of: "a2", line: 3) == nil)
        #expect(ids.earlierLine(of: "a1", line: 7) == 2)
        #expect(ids.earlierLine(of: "a1", line: 9) == 2)
        let admittedRepeat = ids.admit(hash: DuplicateIdTracker.hash("a1".utf8), line: 9)
        let admittedFirst = ids.admit(hash: DuplicateIdTracker.hash("a1".utf8), line: 2)
        #expect(!admittedRepeat && admittedFirst)
        var reference = DuplicateIdTracker(
            plan: ColumnPlan(taskType: .tabularClassification, dataConfig: Fixtures.fraudConfig, purpose: .reference), repeated: repeated)
        let exempt = reference.earlierLine(of: "a1", line: 7)
        #expect(exempt == nil)
    }

    @Test("Past its memory budget the finder sorts runs on disk and merges them: the same repeats as in memory")
    func spilledRuns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 50,000 ids, one in 40 a repeat of a random earlier one, some repeated across runs.
        var generator = SystemRandomNumberGenerator()
        var given: [String] = []
        var expected: [Int: Int] = [:]
        var firstLine: [String: Int] = [:]
        for line in 2...50_001 {
            let id = line % 40 == 0 && !given.isEmpty ? given.randomElement(using: &generator)! : "id-\(line)"
            given.append(id)
            if let first = firstLine[id] { expected[line] = first } else { firstLine[id] = line }
        }
        let spilled = RepeatedIdFinder(scratchDirectory: directory.path, memoryBudget: 997)
        let inMemory = RepeatedIdFinder(scratchDirectory: directory.path, memoryBudget: 1 << 20)
        for (offset, id) in given.enumerated() {
            spilled.collect(hash: DuplicateIdTracker.hash(id.utf8), line: offset + 2)
            inMemory.collect(hash: DuplicateIdTracker.hash(id.utf8), line: offset + 2)
        }
        let fromDisk = try spilled.finish()
        #expect(fromDisk == RepeatedIds(expected))
        #expect(try inMemory.finish() == fromDisk)
        #expect(fromDisk.count == expected.count && expected.count > 1000)
        // The scratch file was unlinked at once: nothing is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("Repeated ids are issues on the later rows, grouped in one line of the report")
    func issuesAndSummary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("f.csv", """
            inference_id,amount,merchant,hour,prediction,scores
            a1,1,fuel,1,0,"[0.5, 0.5]"
            a2,1,fuel,1,0,"[0.5, 0.5]"
            ,1,fuel,1,0,"[0.5, 0.5]"
            ,1,fuel,1,0,"[0.5, 0.5]"
            a1,1,fuel,1,0,"[0.5, 0.5]"
            a2,1,fuel,1,0,"[0.5, 0.5]"
            """)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        #expect(survey.invalidRowCount == 2)
        #expect(survey.rowIssues.map(\.kind) == [.duplicateId, .duplicateId])
        #expect(survey.rowIssues.map(\.line) == [6, 7])
        #expect(survey.rowIssues[0].expected == "an inference id not used by an earlier row (line 2)")
        #expect(survey.rowIssues[1].expected == "an inference id not used by an earlier row (line 3)")
        #expect(survey.rowIssues[0].column == 1 && survey.rowIssues[0].value == "a1")
        let summary = IssueSummary(survey.rowIssues)
        #expect(summary.groups.count == 1)
        #expect(summary.groups.first?.expected == "an inference id not used by an earlier row")
        #expect(summary.lines(fileName: "f.csv").contains("    f.csv:7:1: found 'a2'"))
    }

    @Test("The reference package sets aside nothing for repeated ids, as the survey")
    func referencePackage() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("r.jsonl", """
            {"inference_id": "a1", "amount": 1, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "label": 0}
            {"inference_id": "a1", "amount": 2, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "label": 0}
            {"inference_id": "a1", "amount": "x", "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "label": 1}
            """)
        let plan = ColumnPlan(taskType: .tabularClassification, dataConfig: Fixtures.fraudConfig, purpose: .reference)
        let survey = try FileSurvey.survey(path: path, format: .jsonl, plan: plan)
        #expect(survey.invalidRowCount == 1)
        let rejects = RejectedRowsWriter(claimedPath: path, format: .jsonl, header: nil)
        defer { rejects.discard() }
        let written = try ReferencePackage(plan: plan).write(survey, rejects: rejects)
        defer { try? FileManager.default.removeItem(atPath: written.path) }
        #expect(written.rows == survey.rowCount - survey.invalidRowCount)
    }
}

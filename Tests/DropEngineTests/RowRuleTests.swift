@testable import DropEngine
import Foundation
import Testing

@Suite("The checks Openlayer's legacy client made before sending")
struct RowRuleTests {
    static let header = "amount,merchant,hour,prediction,scores,timestamp\n"

    static func issues(_ rows: String, now: Int64 = 1_795_651_200) throws -> [RowIssue] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("f.csv", header + rows)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        return survey.rowIssues
    }

    @Test("Timestamps must be UNIX seconds within two years of now; milliseconds get a hint")
    func timestampWindow() throws {
        let found = try Self.issues("""
            1,fuel,1,0,"[0.5, 0.5]",1795651200
            1,fuel,1,0,"[0.5, 0.5]",1795651200000
            1,fuel,1,0,"[0.5, 0.5]",1500000000

            """)
        #expect(found.count == 2)
        #expect(found[0].line == 3 && found[0].column == 6 && found[0].columnName == "timestamp")
        #expect(found[0].expected == "a timestamp in UNIX seconds within two years of now")
        #expect(found[0].hint == "this looks like milliseconds: divide by 1000")
        #expect(found[1].line == 4 && found[1].hint == "UNIX seconds count from 1970-01-01 UTC")
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

@testable import DropEngine
import DropJSON
import Foundation
import Testing

@Suite("Typing rows by the data config")
struct TypingTests {
    @Test("CSV cells become the JSON types the config asks for")
    func csvTyping() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("f.csv", """
            amount,merchant,hour,prediction,scores,label,note,count,mixed
            12.5,fuel,3,1,"[0.2, 0.8]",1,hello,7,1
            3,42,,0,"[0.9,0.1]",,,8,x
            """)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        #expect(survey.isPublishable, "\(survey.rowIssues)")
        let (_, batches, _) = try await Fixtures.publish(survey)
        let rows = try Fixtures.rows(of: try #require(batches.first))
        #expect(rows.count == 2)
        // A numeric feature with one non-integer value is a double column throughout.
        #expect(rows[0]["amount"] == .double(12.5))
        #expect(rows[1]["amount"] == .double(3))
        // Categorical features are strings even when they look like numbers.
        #expect(rows[1]["merchant"] == .string("42"))
        // An integer-only numeric feature stays integer; an empty cell is null.
        #expect(rows[0]["hour"] == .integer(3))
        #expect(rows[1]["hour"] == .null)
        #expect(rows[0]["prediction"] == .integer(1))
        #expect(rows[0]["scores"] == .array([.double(0.2), .double(0.8)]))
        #expect(rows[0]["label"] == .integer(1))
        #expect(rows[1]["label"] == .null)
        // Columns the config does not name: numbers when every value is one, else strings.
        #expect(rows[0]["count"] == .integer(7))
        #expect(rows[0]["mixed"] == .string("1"))
        #expect(rows[1]["mixed"] == .string("x"))
        #expect(rows[0]["note"] == .string("hello"))
        #expect(rows[1]["note"] == .null)
    }

    @Test("JSONL values keep their JSON types, coerced where the config names the column")
    func jsonlTyping() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("f.jsonl", """
            {"amount": 10, "merchant": 7, "hour": 2, "prediction": 0, "scores": [1, 0], "inference_id": "a1", "timestamp": 1790000001, "extra": {"k": true}}

            {"amount": 1.5, "merchant": "fuel", "hour": 4, "prediction": 1.0, "scores": "[0.3, 0.7]", "inference_id": "a2", "timestamp": 1790000002.9}
            """)
        let survey = try FileSurvey.survey(path: path, format: .jsonl, plan: Fixtures.fraudPlan)
        #expect(survey.isPublishable, "\(survey.rowIssues) \(survey.fileProblems)")
        #expect(survey.rowCount == 2)
        let (_, batches, _) = try await Fixtures.publish(survey)
        let rows = try Fixtures.rows(of: try #require(batches.first))
        #expect(rows[0]["amount"] == .double(10))
        #expect(rows[1]["amount"] == .double(1.5))
        #expect(rows[0]["merchant"] == .string("7"))
        #expect(rows[0]["hour"] == .integer(2))
        #expect(rows[1]["prediction"] == .integer(1))
        #expect(rows[0]["scores"] == .array([.double(1), .double(0)]))
        #expect(rows[1]["scores"] == .array([.double(0.3), .double(0.7)]))
        #expect(rows[0]["extra"] == .object(JSONObject([.init(key: "k", value: .bool(true))])))
        #expect(rows[1]["timestamp"] == .integer(1_790_000_002))
        #expect(rows[0]["inference_id"] == .string("a1"))
        #expect(survey.rowsWithoutInferenceId == 0)
        #expect(survey.rowsWithoutTimestamp == 0)
    }

    @Test("Bad values are reported with line, column, name and expectation")
    func rowIssues() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("bad.csv", """
            amount,merchant,hour,prediction,scores
            abc,fuel,1,0,"[0.5, 0.5]"
            "multi
            line",x,1,0,"[0.5, 0.5]"
            1,fuel,1,2,"[0.5, 0.5]"
            1,fuel,1,1,"[0.5]"
            1,fuel,1,0,"[0.5, 0.5]",extra
            """)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        #expect(!survey.isPublishable)
        #expect(survey.rowCount == 5)
        #expect(survey.invalidRowCount == 5)
        let issues = survey.rowIssues
        #expect(issues.count == 5)
        #expect(issues[0] == RowIssue(kind: .notANumber, line: 2, column: 1, columnName: "amount", value: "abc", expected: "a number"))
        #expect(issues[1].line == 3 && issues[1].column == 1 && issues[1].value == "multi\nline")
        #expect(issues[2].line == 5 && issues[2].columnName == "prediction" && issues[2].expected.contains("0 to 1"))
        #expect(issues[3].line == 6 && issues[3].columnName == "scores" && issues[3].expected.contains("list of 2"))
        // A row longer than the header is reported with its line and the field counts.
        #expect(issues[4].line == 7 && issues[4].column == nil && issues[4].expected == "at most 5 fields as in the header, found 6")
        #expect(issues.map(\.kind) == [.notANumber, .notANumber, .classOutOfRange, .scoresLength, .raggedRow])
    }

    @Test("A missing required column is a file problem found from the header")
    func missingColumn() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let csv = try directory.write("f.csv", "amount,hour,prediction,scores\n1,2,0,\"[1,0]\"\n")
        let survey = try FileSurvey.survey(path: csv, format: .csv, plan: Fixtures.fraudPlan)
        #expect(survey.fileProblems.count == 1)
        #expect(survey.fileProblems[0].contains("'merchant'"))
        let jsonl = try directory.write("f.jsonl", #"{"amount": 1, "hour": 2, "prediction": 0, "scores": [1, 0]}"# + "\n")
        let jsonSurvey = try FileSurvey.survey(path: jsonl, format: .jsonl, plan: Fixtures.fraudPlan)
        #expect(jsonSurvey.fileProblems.first?.contains("'merchant'") == true)
    }

    @Test("A header without rows is publishable with nothing to send; an empty file is not")
    func emptyFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let headerOnly = try directory.write("h.csv", "amount,merchant,hour,prediction,scores\r\n")
        let survey = try FileSurvey.survey(path: headerOnly, format: .csv, plan: Fixtures.fraudPlan)
        #expect(survey.isPublishable)
        #expect(survey.rowCount == 0)
        let (outcome, batches, _) = try await Fixtures.publish(survey)
        #expect(batches.isEmpty && outcome.rowsAcknowledged == 0)
        let empty = try directory.write("e.csv", "")
        let emptySurvey = try FileSurvey.survey(path: empty, format: .csv, plan: Fixtures.fraudPlan)
        #expect(emptySurvey.fileProblems.count == 1)
        #expect(emptySurvey.fileProblems.first?.contains("empty") == true)
    }

    @Test("The wire config names the columns that exist in what is sent")
    func wireConfig() {
        var config = Fixtures.fraudConfig
        config.inferenceIdColumnName = nil
        config.timestampColumnName = nil
        config.categoricalFeatureNames = nil
        let plan = ColumnPlan(taskType: .tabularClassification, dataConfig: config)
        let wire = plan.wireConfig(presentColumns: ["amount", "merchant", "hour", "prediction", "scores", "inference_id", "timestamp"])
        #expect(wire["labelColumnName"] == nil)
        #expect(wire["inferenceIdColumnName"] == .string("inference_id"))
        #expect(wire["timestampColumnName"] == .string("timestamp"))
        #expect(wire["categoricalFeatureNames"] == .array([]))
        #expect(wire.keys.first == "classNames")
    }
}

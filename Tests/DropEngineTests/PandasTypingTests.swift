@testable import DropEngine
import DropJSON
import Foundation
import Testing

/// The cell rules that make a row what `pandas.read_csv` reads; the end-to-end
/// `PandasAgreementTests` compare whole files with pandas itself.
@Suite("Typing CSV cells as pandas reads them")
struct PandasTypingTests {
    /// Surveys and publishes `csv` for the fraud pipeline; the rows sent, and the survey.
    static func publish(_ csv: String) async throws -> (rows: [JSONObject], survey: FileSurvey) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("f.csv", csv)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        let (_, batches, _) = try await Fixtures.publish(survey)
        return (try batches.flatMap(Fixtures.rows), survey)
    }

    @Test("Every default missing-value word of pandas is null, in numeric and categorical columns alike")
    func missingValueWords() async throws {
        let words = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
        #expect(Set(words) == CSVCell.missingValueWords)
        let lines = words.map { "\($0),\($0),1,0,\"[0.5, 0.5]\",\($0)" }
        let (rows, survey) = try await Self.publish("amount,merchant,hour,prediction,scores,note\n" + lines.joined(separator: "\n") + "\n")
        #expect(survey.invalidRowCount == 0, "\(survey.rowIssues)")
        #expect(rows.count == words.count)
        for row in rows {
            #expect(row["amount"] == .null && row["merchant"] == .null && row["note"] == .null)
        }
        // Spaces make a word text, as in pandas.
        let (spaced, _) = try await Self.publish("amount,merchant,hour,prediction,scores\n1, NA,1,0,\"[0.5, 0.5]\"\n")
        #expect(spaced.first?["merchant"] == .string(" NA"))
    }

    @Test("A set-aside row never changes how the sent rows of its column are typed")
    func typeFromSentRows() async throws {
        let (rows, survey) = try await Self.publish("""
            amount,merchant,hour,prediction,scores,big
            3,fuel,2,0,"[0.5, 0.5]",9007199254740993
            abc,fuel,2.5,0,"[0.5, 0.5]",1.5
            5,fuel,4,0,"[0.5, 0.5]",-9223372036854775808

            """)
        #expect(survey.invalidRowCount == 1)
        #expect(rows.map { $0["amount"] } == [.integer(3), .integer(5)])
        #expect(rows.map { $0["hour"] } == [.integer(2), .integer(4)])
        #expect(rows.map { $0["big"] } == [.integer(9_007_199_254_740_993), .integer(Int64.min)])
    }

    @Test("True/False in all pandas' spellings are booleans in a column the config does not name")
    func booleans() async throws {
        let (rows, _) = try await Self.publish("""
            amount,merchant,hour,prediction,scores,flag,mixed,spaced
            1,fuel,1,0,"[0.5, 0.5]",True,True,True
            1,fuel,1,0,"[0.5, 0.5]",FALSE,1,False
            1,fuel,1,0,"[0.5, 0.5]",NA,x,True\u{20}
            1,fuel,1,0,"[0.5, 0.5]",true,,false
            1,fuel,1,0,"[0.5, 0.5]",false,,TRUE

            """)
        #expect(rows.map { $0["flag"] } == [.bool(true), .bool(false), .null, .bool(true), .bool(false)])
        // One value that is not a boolean makes the whole column text, as written.
        #expect(rows.map { $0["mixed"] } == [.string("True"), .string("1"), .string("x"), .null, .null])
        #expect(rows.map { $0["spaced"] } == [.string("True"), .string("False"), .string("True "), .string("false"), .string("TRUE")])
        // The config decides a column it names: a categorical feature stays text.
        let (named, _) = try await Self.publish("amount,merchant,hour,prediction,scores\n1,True,1,0,\"[0.5, 0.5]\"\n")
        #expect(named.first?["merchant"] == .string("True"))
    }

    @Test("Numbers as pandas reads them: signs, spaces, exponents; infinity is no JSON number")
    func numbers() async throws {
        let (rows, survey) = try await Self.publish("""
            amount,merchant,hour,prediction,scores,unnamed,hex
            +3,fuel, 7 ,0,"[0.5, 0.5]",inf,0x10
            .5,fuel,007,0,"[0.5, 0.5]",1,1
            5.,fuel,-0,0,"[0.5, 0.5]",2,2
            1e-7,fuel,1,0,"[0.5, 0.5]",3,3
            -0.0,fuel,1,0,"[0.5, 0.5]",4,4
            inf,fuel,1,0,"[0.5, 0.5]",5,5

            """)
        #expect(rows.map { $0["amount"] } == [.double(3), .double(0.5), .double(5), .double(1e-7), .double(-0.0)])
        #expect(rows.map { $0["hour"] } == [.integer(7), .integer(7), .integer(0), .integer(1), .integer(1)])
        // Infinity in a column the config does not name makes it text; hexadecimal is text in pandas.
        #expect(rows.map { $0["unnamed"] } == ["inf", "1", "2", "3", "4"].map(JSONValue.string))
        #expect(rows.map { $0["hex"] } == ["0x10", "1", "2", "3", "4"].map(JSONValue.string))
        #expect(survey.rowIssues.map(\.line) == [7])
        #expect(survey.rowIssues.first?.expected == "a finite number: JSON has no infinity")
    }

    @Test("Header cells and lines as pandas reads them: Unnamed columns, repeated names, blank lines, short rows")
    func layout() async throws {
        let (rows, survey) = try await Self.publish("""
            ,amount,merchant,hour,prediction,scores,hour,hour.1
            0,1,fuel,1,0,"[0.5, 0.5]",2,3
            \u{20}\u{20}
            1,2,food

            """)
        #expect(survey.columns == ["Unnamed: 0", "amount", "merchant", "hour", "prediction", "scores", "hour.1", "hour.1.1"])
        #expect(survey.rowCount == 2)
        #expect(rows.first?["Unnamed: 0"] == .integer(0))
        #expect(rows.first?["hour.1"] == .integer(2) && rows.first?["hour.1.1"] == .integer(3))
        #expect(rows.last?["merchant"] == .string("food") && rows.last?["hour"] == .null && rows.last?["scores"] == .null)
    }

    @Test("A JSONL column the config does not name is one number type: a fraction makes its integers doubles")
    func jsonlNumbers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("f.jsonl", """
            {"amount": 1, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "ratio": 1, "count": 2}
            {"amount": 1, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "ratio": 2.5, "count": 9007199254740993}
            {"amount": "x", "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "ratio": 1, "count": 0.5}
            """)
        let survey = try FileSurvey.survey(path: path, format: .jsonl, plan: Fixtures.fraudPlan)
        let (_, batches, _) = try await Fixtures.publish(survey)
        let rows = try batches.flatMap(Fixtures.rows)
        #expect(rows.map { $0["ratio"] } == [.double(1), .double(2.5)])
        #expect(rows.map { $0["count"] } == [.integer(2), .integer(9_007_199_254_740_993)])
        #expect(rows.map { $0["amount"] } == [.integer(1), .integer(1)])
    }
}

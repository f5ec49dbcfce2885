@testable import DropEngine
import DropJSON
import Foundation
import Testing

/// The fast path of JSONL lines agrees with the JSON parser and `RowTyper` on every line it
/// takes, and takes the ordinary ones: a line it gives up on costs time, a line it gets wrong
/// would change what is sent.
@Suite("The byte-level JSONL path")
struct JSONLRowEncoderTests {
    /// Every line of `jsonl` through both paths, as the publisher would type it after the
    /// survey. Returns how many lines the fast path took; records a difference as an issue.
    static func compare(_ jsonl: String, plan: ColumnPlan = Fixtures.fraudPlan) throws -> (taken: Int, rows: Int) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("f.jsonl", jsonl)
        let survey = try FileSurvey.survey(path: path, format: .jsonl, plan: plan)
        let fill = CSVRowEncoder.Fill(ids: InferenceIdGenerator(fileDigest: survey.sha256Bytes), defaultTimestamp: 1_795_600_000)
        let encoder = JSONLRowEncoder(plan: plan, stats: survey.stats, timestamps: survey.timestamps, fill: fill)
        let typer = RowTyper(plan: plan, survey: survey)
        let filler = DefaultFiller(plan: plan, fileDigest: survey.sha256Bytes, defaultTimestamp: 1_795_600_000)
        let reader = try SourceReader(path: path, format: .jsonl)
        var types: [(column: Int, seen: ColumnStats.Seen)] = []
        var taken = 0
        var ordinal = 0
        while let line = try reader.nextJSONLine() {
            ordinal += 1
            var fast: [UInt8] = []
            let accepted = reader.withJSONLine { encoder.encode($0, ordinal: ordinal, into: &fast, types: &types) } != nil
            guard accepted else { continue }
            taken += 1
            try FastPathAgreement.expect(fast, line: line, ordinal: ordinal, as: reader.jsonlRecord(), typer: typer, filler: filler)
        }
        return (taken, ordinal)
    }

    @Test("Ordinary lines all take the fast path, and come out as RowTyper makes them")
    func ordinaryLines() throws {
        var jsonl = ""
        for index in 0..<500 {
            let probability = Double(index % 1000) / 1000
            let merchant = ["fuel", "grocery", "electronics, online", "café"][index % 4]
            jsonl += #"{"amount": \#(Double(index) * 1.25), "merchant": "\#(merchant)", "hour": \#(index % 24), "#
            jsonl += #""prediction": \#(index % 2), "scores": [\#(probability), \#(1 - probability)], "flag": \#(index % 3 == 0), "#
            jsonl += #""ratio": \#(index % 7), "id_given": null}"# + "\n"
        }
        let result = try Self.compare(jsonl)
        #expect(result.rows == 500)
        #expect(result.taken == 500)
    }

    @Test("Ids and timestamps: given, null, empty or absent, filled in where RowTyper and DefaultFiller fill them")
    func idsAndTimestamps() throws {
        let jsonl = """
            {"inference_id": "a1", "timestamp": 1795600000, "amount": 1, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": null, "timestamp": null, "amount": 2, "merchant": "fuel", "hour": 2, "prediction": 1, "scores": [0, 1]}
            {"amount": 3, "merchant": "fuel", "hour": 3, "prediction": 1, "scores": [0.25, 0.75], "inference_id": ""}
            {"amount": 4.5, "merchant": "fuel", "hour": 4, "prediction": 0, "scores": [1, 0]}
            {"timestamp": 1795600001, "amount": 5, "merchant": "fuel", "hour": 5, "prediction": 0, "scores": [0.9, 0.1], "inference_id": "a5"}
            """
        let result = try Self.compare(jsonl)
        #expect(result.rows == 5)
        #expect(result.taken >= 4, "\(result)")
    }

    @Test("Text as pandas' to_json escapes it (every / and non-ASCII character) takes the fast path, escapes as written")
    func pandasEscapes() throws {
        let jsonl = #"""
            {"amount": 1.5, "merchant": "caf\u00e9 \/ bar", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "url": "https:\/\/x.example\/a?b=1"}
            {"amount": 2.5, "merchant": "tab\there \"quoted\" back\\slash", "hour": 2, "prediction": 1, "scores": [0.25, 0.75], "nul": "a\u0000b"}
            {"amount": 3.5, "merchant": "\u65e5\u672c", "hour": 3, "prediction": 1, "scores": [0.25, 0.75], "note": "line\nbreak\r\f\b"}
            {"amount": 4.5, "merchant": "emoji \ud83d\uded2", "hour": 4, "prediction": 1, "scores": [0.25, 0.75]}
            {"inference_id": "id\/1", "amount": 5.5, "merchant": "fuel", "hour": 5, "prediction": 1, "scores": [0.25, 0.75]}
            {"amount": 6.5, "merchant": "bad \x escape", "hour": 6, "prediction": 1, "scores": [0.25, 0.75]}
            """#
        let result = try Self.compare(jsonl)
        #expect(result.rows == 6)
        // The surrogate pair, the escaped id and the invalid escape go to the general path.
        #expect(result.taken == 3, "\(result)")
    }

    @Test("Unusual lines either come out as RowTyper makes them or go to it")
    func unusualLines() throws {
        let jsonl = #"""
            {"inference_id": "u1", "amount": "3", "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": "u2", "amount": 3, "merchant": "say \"hi\"", "hour": 1, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": "u3", "amount": 3, "merchant": "fuel", "hour": 1.5, "prediction": 2, "scores": [0.5, 0.5]}
            {"inference_id": "u4", "amount": -0, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": "u5", "amount": 1e400, "merchant": 7, "hour": 1, "prediction": 0, "scores": [0.5, 0.5, 0]}
            {"inference_id": "u6", "amount": 3, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": "[0.5, 0.5]"}
            {"inference_id": "u7", "amount": 3, "amount": 4, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": "u8", "amount": 3, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "extra": {"a": [1, 2]}}
            {"inference_id": "u9", "amount": 3, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5]} trailing
            {"inference_id": "u1", "amount": 3, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": 12, "amount": 3, "merchant": true, "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "timestamp": 1795600000.5}
            {"inference_id": "u12", "amount": 3, "merchant": "食料品 🛒", "hour": null, "prediction": 1, "scores": [0.2, 0.8]}
            {"inference_id": "u15", "amount": 3, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "big": 9223372036854775808}
            {"inference_id": "u13", "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": "u14", "amount": 3, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "timestamp": 1795600000000}
            ["not", "an", "object"]
            {"inference_id": "u16", "amount": 2.50, "merchant": "\u00e9", "hour": 1, "prediction": 0, "scores": [0.5, 0.5], "flag": false, "n": null}
            """#
        let result = try Self.compare(jsonl)
        #expect(result.rows == 17)
        #expect(result.taken >= 4, "\(result)")
    }
}

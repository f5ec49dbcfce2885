@testable import DropEngine
import Foundation
import Testing

@Suite("Inference ids already published by an earlier file")
struct AlreadyPublishedTests {
    static func pipeline() -> PipelineConfig {
        var publish = PublishSettings()
        publish.maxInvalidRowFraction = 0.5
        return PipelineConfig(
            name: "fraud", project: "Fraud", taskType: .tabularClassification, inferencePipeline: "production",
            inferencePipelineId: nil, dataConfig: Fixtures.fraudConfig, publish: publish)
    }

    /// A journal in which an archived file published `ids`, and a file still publishing `pending`.
    static func journal(in directory: TemporaryDirectory, ids: [String], pending: [String]) throws -> (Journal, Int64) {
        let journal = try Journal(path: directory.path + "/state/journal.sqlite")
        var first = try journal.claim(pipeline: "fraud", kind: .predictions, name: "first.csv", claimedPath: "/p/first.csv", size: 1, at: Date())
        let firstId = try #require(first.id)
        try journal.record(JournalBatch(fileId: firstId, firstOrdinal: 1, lastOrdinal: ids.count, rows: ids.count, outcome: .acknowledged, message: nil, at: "t"), inferenceIds: ids, pipeline: "fraud")
        first.state = .archived
        try journal.update(first)
        var second = try journal.claim(pipeline: "fraud", kind: .predictions, name: "second.csv", claimedPath: "/p/second.csv", size: 1, at: Date())
        let secondId = try #require(second.id)
        try journal.record(JournalBatch(fileId: secondId, firstOrdinal: 1, lastOrdinal: 1, rows: 1, outcome: .acknowledged, message: nil, at: "t"), inferenceIds: pending, pipeline: "fraud")
        second.state = .published
        try journal.update(second)
        return (journal, secondId)
    }

    @Test("The ids a file gives are those of its valid rows, first occurrences only, from CSV and JSONL alike")
    func givenIds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Ordinary rows (the fast path), an unusual spelling RowTyper takes (+3), an invalid row,
        // a repeated id, a row without an id.
        let csv = """
            inference_id,amount,merchant,hour,prediction,scores
            a1,1.5,fuel,1,0,"[0.5, 0.5]"
            a2,+3,fuel,2,1,"[0.5, 0.5]"
            a3,12 EUR,fuel,3,0,"[0.5, 0.5]"
            a1,2.5,fuel,4,0,"[0.5, 0.5]"
            ,3.5,fuel,5,1,"[0.5, 0.5]"
            a4,4.5,fuel,6,1,"[0.5, 0.5]"
            """
        let jsonl = #"""
            {"inference_id": "a1", "amount": 1.5, "merchant": "fuel", "hour": 1, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": "a2", "amount": "3", "merchant": "fuel", "hour": 2, "prediction": 1, "scores": [0.5, 0.5]}
            {"inference_id": "a3", "amount": "12 EUR", "merchant": "fuel", "hour": 3, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": "a1", "amount": 2.5, "merchant": "fuel", "hour": 4, "prediction": 0, "scores": [0.5, 0.5]}
            {"inference_id": "", "amount": 3.5, "merchant": "fuel", "hour": 5, "prediction": 1, "scores": [0.5, 0.5]}
            {"inference_id": "a\/4", "amount": 4.5, "merchant": "fuel", "hour": 6, "prediction": 1, "scores": [0.5, 0.5]}
            """#
        for (name, text, last) in [("f.csv", csv, "a4"), ("f.jsonl", jsonl, "a/4")] {
            let path = try directory.write(name, text)
            let survey = try FileSurvey.survey(path: path, format: SourceFormat(fileName: name)!, plan: Fixtures.fraudPlan)
            var given: [String] = []
            try survey.givenInferenceIds(plan: Fixtures.fraudPlan, chunkSize: 2) { given += $0 }
            #expect(given == ["a1", "a2", last], "\(name)")
        }
    }

    @Test("The journal names the ids another published file sent, in this pipeline only")
    func journalQuery() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (journal, secondId) = try Self.journal(in: directory, ids: ["a1", "a2"], pending: ["b1"])
        #expect(try journal.publishedInferenceIds(["a1", "zz", "a2", "b1"], pipeline: "fraud") == ["a1", "a2", "b1"])
        #expect(try journal.publishedInferenceIds(["a1", "b1"], pipeline: "fraud", excluding: secondId) == ["a1"])
        #expect(try journal.publishedInferenceIds(["a1"], pipeline: "other").isEmpty)
    }

    @Test("validate warns with a count and examples, and still publishes the file")
    func warning() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (journal, _) = try Self.journal(in: directory, ids: ["a1", "a2", "a3", "a4"], pending: [])
        let path = try directory.write("new.csv", """
            inference_id,amount,merchant,hour,prediction,scores
            a1,1,fuel,1,0,"[0.5, 0.5]"
            n1,1,fuel,1,0,"[0.5, 0.5]"
            a2,1,fuel,1,0,"[0.5, 0.5]"
            ,1,fuel,1,0,"[0.5, 0.5]"
            a3,x,fuel,1,0,"[0.5, 0.5]"
            a4,1,fuel,1,0,"[0.5, 0.5]"
            a4,1,fuel,1,0,"[0.5, 0.5]"
            """)
        let result = try FileValidation.validate(path: path, pipeline: Self.pipeline(), journal: journal)
        #expect(result.verdict == .partly)
        // a3's row is invalid and the second a4 is a repeat: neither would be published.
        #expect(result.alreadyPublished == FileValidation.AlreadyPublished(count: 3, examples: ["a1", "a2", "a4"]))
        #expect(result.text.contains("new.csv: warning: 3 rows carry inference ids already published to 'fraud' by earlier files (a1, a2, a4)"))
        #expect(try FileValidation.validate(path: path, pipeline: Self.pipeline()).alreadyPublished == nil)
        let fresh = try directory.write("fresh.csv", "inference_id,amount,merchant,hour,prediction,scores\nq1,1,fuel,1,0,\"[0.5, 0.5]\"\n")
        #expect(try FileValidation.validate(path: fresh, pipeline: Self.pipeline(), journal: journal).alreadyPublished == nil)
    }
}

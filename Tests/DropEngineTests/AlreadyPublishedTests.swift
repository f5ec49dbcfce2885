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

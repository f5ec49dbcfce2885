@testable import DropEngine
import DropFormats
import Foundation
import Testing

@Suite("Filling inference ids and timestamps")
struct DefaultsTests {
    static let csv = """
        amount,merchant,hour,prediction,scores
        1.5,fuel,1,0,"[0.9, 0.1]"
        2.5,food,2,1,"[0.2, 0.8]"
        3.5,fuel,3,0,"[0.7, 0.3]"
        """

    @Test("The same file always gets the same ids; one changed byte gives other ids")
    func deterministicIds() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try directory.write("a.csv", Self.csv)
        let copy = try directory.write("b.csv", Self.csv)
        let changed = try directory.write("c.csv", Self.csv.replacingOccurrences(of: "3.5", with: "3.6"))

        func ids(_ path: String) async throws -> [String] {
            let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
            let (_, batches, _) = try await Fixtures.publish(survey)
            return try batches.flatMap(Fixtures.rows).compactMap { if case .string(let id)? = $0["inference_id"] { id } else { nil } }
        }
        let a = try await ids(first)
        let b = try await ids(copy)
        let c = try await ids(changed)
        #expect(a.count == 3)
        #expect(Set(a).count == 3)
        #expect(a == b)
        #expect(Set(a).isDisjoint(with: c))
        // Version-8 UUIDs, lowercase.
        for id in a {
            #expect(id.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil)
        }
    }

    @Test("The generator is a pure function of the digest and the ordinal")
    func generator() {
        let digest = Array(repeating: UInt8(7), count: 32)
        let generator = InferenceIdGenerator(fileDigest: digest)
        #expect(generator.id(forRow: 1) == InferenceIdGenerator(fileDigest: digest).id(forRow: 1))
        #expect(generator.id(forRow: 1) != generator.id(forRow: 2))
        var other = digest
        other[31] = 8
        #expect(InferenceIdGenerator(fileDigest: other).id(forRow: 1) != generator.id(forRow: 1))
    }

    @Test("Missing timestamps get the file's modification time, or the upload time when configured")
    func timestamps() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.csv", Self.csv)
        let modified = Date(timeIntervalSince1970: 1_764_000_000)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        #expect(survey.modificationTime == 1_764_000_000)

        let (_, batches, _) = try await Fixtures.publish(survey)
        let rows = try batches.flatMap(Fixtures.rows)
        #expect(rows.allSatisfy { $0["timestamp"] == .integer(1_764_000_000) })
        #expect(survey.rowsWithoutTimestamp == 3)
        #expect(survey.rowsWithoutInferenceId == 3)

        // Under `timestampDefault: uploadTime` the processor passes the journaled upload time.
        let (_, uploadBatches, _) = try await Fixtures.publish(survey, defaultTimestamp: 1_765_000_000)
        #expect(try uploadBatches.flatMap(Fixtures.rows).allSatisfy { $0["timestamp"] == .integer(1_765_000_000) })
    }

    @Test("Empty id and timestamp cells are filled; present ones are kept")
    func partialColumns() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.csv", """
            inference_id,timestamp,amount,merchant,hour,prediction,scores
            given-1,1790000000,1,fuel,1,0,"[1,0]"
            ,,2,fuel,1,0,"[1,0]"
            """)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        let (_, batches, _) = try await Fixtures.publish(survey)
        let rows = try batches.flatMap(Fixtures.rows)
        #expect(rows[0]["inference_id"] == .string("given-1"))
        #expect(rows[0]["timestamp"] == .integer(1_790_000_000))
        #expect(rows[1]["inference_id"] == .string(InferenceIdGenerator(fileDigest: survey.sha256Bytes).id(forRow: 2)))
        #expect(rows[1]["timestamp"] == .integer(survey.modificationTime))
        #expect(survey.rowsWithoutInferenceId == 1)
        #expect(survey.inferenceId(survey.firstInferenceId) == "given-1")
        #expect(survey.inferenceId(survey.lastInferenceId) == InferenceIdGenerator(fileDigest: survey.sha256Bytes).id(forRow: 2))
    }
}

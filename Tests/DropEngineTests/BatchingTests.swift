@testable import DropEngine
import DropJSON
import OpenlayerAPI
import Testing

@Suite("Cutting rows into batches")
struct BatchingTests {
    static let config = JSONObject([.init(key: "classNames", value: .array([.string("a")]))])

    static func row(_ index: Int, padding: Int = 0) -> [UInt8] {
        JSONWriter.encode(.object(JSONObject([
            .init(key: "i", value: .integer(Int64(index))),
            .init(key: "p", value: .string(String(repeating: "x", count: padding))),
        ])))
    }

    static func run(_ batcher: inout RowBatcher, rows: [[UInt8]]) -> [DataStreamBatch] {
        var batches: [DataStreamBatch] = []
        for row in rows {
            if let full = batcher.add(encodedRow: row) { batches.append(full) }
        }
        if let last = batcher.finish() { batches.append(last) }
        return batches
    }

    @Test("At most batchRows rows per request")
    func byRows() throws {
        var batcher = RowBatcher(config: Self.config, maxRows: 1000, maxBytes: 100 * 1024 * 1024)
        let batches = Self.run(&batcher, rows: (1...2500).map { Self.row($0) })
        #expect(batches.map(\.rowCount) == [1000, 1000, 500])
        let indices = try batches.flatMap(Fixtures.rows).map { $0["i"] }
        #expect(indices == (1...2500).map { JSONValue.integer(Int64($0)) })
    }

    @Test("At most maxBatchBytes of body per request, whichever comes first")
    func byBytes() throws {
        let rows = (1...50).map { Self.row($0, padding: 100) }
        let maxBytes = 1024
        var batcher = RowBatcher(config: Self.config, maxRows: 1000, maxBytes: maxBytes)
        let batches = Self.run(&batcher, rows: rows)
        #expect(batches.count > 1)
        #expect(batches.reduce(0) { $0 + $1.rowCount } == 50)
        for batch in batches {
            #expect(batch.finished().count <= maxBytes)
            #expect(batch.finished().count == batch.byteCount)
            // Every body is valid JSON with the config and the rows.
            #expect(try Fixtures.config(of: batch) == Self.config)
        }
        // Each batch is full: one more row would not have fitted.
        for batch in batches.dropLast() {
            #expect(batch.byteCount + 1 + rows[0].count > maxBytes)
        }
        var rowCapped = RowBatcher(config: Self.config, maxRows: 3, maxBytes: maxBytes)
        #expect(Self.run(&rowCapped, rows: rows).allSatisfy { $0.rowCount <= 3 })
    }

    @Test("A row larger than the byte cap travels alone")
    func oversizedRow() {
        var batcher = RowBatcher(config: Self.config, maxRows: 10, maxBytes: 1024)
        let batches = Self.run(&batcher, rows: [Self.row(1), Self.row(2, padding: 5000), Self.row(3)])
        #expect(batches.map(\.rowCount) == [1, 1, 1])
    }

    @Test("Publishing splits a file by rows, keeping file order")
    func publisherBatches() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var csv = "amount,merchant,hour,prediction,scores\n"
        for index in 1...25 { csv += "\(index),m\(index),1,0,\"[1,0]\"\n" }
        let path = try directory.write("a.csv", csv)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan)
        var settings = PublishSettings()
        settings.batchRows = 10
        // Batches in flight together may land in either order; one at a time shows file order.
        settings.maxBatchesInFlight = 1
        let (outcome, batches, _) = try await Fixtures.publish(survey, settings: settings)
        #expect(batches.map(\.rowCount) == [10, 10, 5])
        #expect(outcome.rowsAcknowledged == 25)
        #expect(outcome.batchesAcknowledged == 3)
        #expect(try batches.flatMap(Fixtures.rows).map { $0["merchant"] } == (1...25).map { JSONValue.string("m\($0)") })
    }
}

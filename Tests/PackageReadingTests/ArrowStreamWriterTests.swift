import DropFormats
import DropJSON
import Foundation
import Testing

/// One column kind with its sample values, written alone, with and without nulls.
struct ArrowColumnCase: CustomTestStringConvertible, Sendable {
    var type: ArrowType
    var values: [JSONValue]
    var withNulls: Bool

    var testDescription: String { "\(type)\(withNulls ? " with nulls" : "")" }

    /// 20 rows, so the bitmaps span three bytes; with nulls, every third row is null.
    var rows: [[JSONValue]] {
        (0..<20).map { index in
            [withNulls && index % 3 == 1 ? .null : values[index % values.count]]
        }
    }

    static let samples: [(ArrowType, [JSONValue])] = [
        (.int64, [.integer(0), .integer(1), .integer(-1), .integer(.max), .integer(.min), .integer(42)]),
        (.double, [
            .double(0.5), .double(-1.25), .double(1e-300), .double(.greatestFiniteMagnitude), .integer(3), .double(0.1),
            .integer(-9_007_199_254_740_993),
        ]),
        (.utf8, [
            .string(""), .string("a"), .string("café"), .string("日本語 🎉"), .string(""), .string("line\nbreak \"quoted\""),
            .string(String(repeating: "x", count: 1000)),
        ]),
        (.bool, [.bool(true), .bool(false), .bool(false), .bool(true), .bool(true)]),
        (.listOfDouble, [
            .array([]), .array([.double(1)]), .array([.double(1.5), .integer(2), .double(-3.25)]), .array([]),
            .array(Array(repeating: .double(0.1), count: 100)),
        ]),
    ]

    static let all: [ArrowColumnCase] = samples.flatMap { type, values in
        [ArrowColumnCase(type: type, values: values, withNulls: false), ArrowColumnCase(type: type, values: values, withNulls: true)]
    }
}

@Suite struct ArrowStreamWriterTests {
    @Test(arguments: ArrowColumnCase.all)
    func columnReadsBackExactlyByUsAndByPyarrow(_ column: ArrowColumnCase) throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("column.arrow")
        let schema = [ArrowField(name: "value", type: column.type)]
        let rows = column.rows
        let summary = try ArrowTestData.write(rows, schema: schema, to: path)
        let expected = ArrowTestData.readBack(rows, schema: schema)
        #expect(summary.rows == 20 && summary.batches == 1)
        #expect(summary.bytes == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))

        let ours = try ArrowTestData.readBatches(path)
        #expect(ours.schema == schema)
        #expect(ours.batches == [expected])

        let pyarrow = try Pyarrow.read(path)
        #expect(pyarrow.fields == [.init(name: "value", type: PyarrowView.typeName(column.type), nullable: true)])
        #expect(pyarrow.batches == [20])
        #expect(pyarrow.rows == expected)
    }

    @Test func allKindsTogetherWithUnicodeNamesAndNullability() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("mixed.arrow")
        let schema = [
            ArrowField(name: "id", type: .int64, nullable: false),
            ArrowField(name: "score ü", type: .double),
            ArrowField(name: "名前", type: .utf8),
            ArrowField(name: "", type: .bool),
            ArrowField(name: "embedding", type: .listOfDouble, nullable: false),
        ]
        let rows: [[JSONValue]] = (0..<50).map(Self.mixedRow)
        try ArrowTestData.write(rows, schema: schema, to: path, maxRowsPerBatch: 16)
        let expected = ArrowTestData.readBack(rows, schema: schema)

        let ours = try ArrowTestData.readBatches(path)
        #expect(ours.schema == schema)
        #expect(ours.batches.map(\.count) == [16, 16, 16, 2])
        #expect(Array(ours.batches.joined()) == expected)

        let pyarrow = try Pyarrow.read(path)
        #expect(pyarrow.fields == schema.map { .init(name: $0.name, type: PyarrowView.typeName($0.type), nullable: $0.nullable) })
        #expect(pyarrow.batches == [16, 16, 16, 2])
        #expect(pyarrow.rows == expected)
    }

    private static func mixedRow(_ index: Int) -> [JSONValue] {
        let score: JSONValue = index % 7 == 0 ? .null : .double(Double(index) / 4)
        let name: JSONValue = index % 5 == 0 ? .null : .string("ligne \(index) é")
        let flag: JSONValue = index % 2 == 0 ? .bool(index % 4 == 0) : .null
        let embedding: [JSONValue] = (0..<(index % 4)).map { .double(Double($0) * 0.5) }
        return [.integer(Int64(index)), score, name, flag, .array(embedding)]
    }

    @Test func fortyThousandRowsMakeThreeBatchesOfAtMost16384() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("big.arrow")
        let schema = [ArrowField(name: "n", type: .int64), ArrowField(name: "label", type: .utf8)]
        let rows: [[JSONValue]] = (0..<40_000).map { [.integer(Int64($0)), .string("row \($0)")] }
        let summary = try ArrowTestData.write(rows, schema: schema, to: path)
        #expect(summary.rows == 40_000)
        #expect(summary.batches == 3)

        let ours = try ArrowTestData.readBatches(path)
        #expect(ours.batches.map(\.count) == [16384, 16384, 7232])
        #expect(Array(ours.batches.joined()) == rows)

        let pyarrow = try Pyarrow.read(path)
        #expect(pyarrow.batches == [16384, 16384, 7232])
        #expect(pyarrow.rows == rows)
    }

    @Test func noRowsIsAnEmptyTableWithTheSchema() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("empty.arrow")
        let schema = ArrowColumnCase.samples.map { ArrowField(name: "c \($0.0)", type: $0.0) }
        let summary = try ArrowTestData.write([], schema: schema, to: path)
        #expect(summary.rows == 0 && summary.batches == 0)

        let ours = try ArrowTestData.readBatches(path)
        #expect(ours.schema == schema)
        #expect(ours.batches.isEmpty)

        let pyarrow = try Pyarrow.read(path)
        #expect(pyarrow.fields.map(\.type) == ["int64", "double", "string", "bool", "list<item: double>"])
        #expect(pyarrow.fields.map(\.name) == schema.map(\.name))
        #expect(pyarrow.batches.isEmpty && pyarrow.rows.isEmpty)
    }

    @Test(arguments: [
        (ArrowType.int64, JSONValue.string("12")),
        (.int64, .double(1.5)),
        (.double, .bool(true)),
        (.utf8, .integer(7)),
        (.bool, .string("true")),
        (.listOfDouble, .array([.double(1), .null])),
        (.listOfDouble, .array([.string("1")])),
        (.listOfDouble, .double(1)),
    ])
    func typeMismatchNamesTheColumnAndValue(type: ArrowType, value: JSONValue) throws {
        let directory = try ArrowTestDirectory()
        let schema = [ArrowField(name: "ok", type: .int64), ArrowField(name: "the column", type: type)]
        let writer = try ArrowStreamWriter(path: directory.path("bad.arrow"), schema: schema)
        let error = try #require(throws: ArrowError.self) { try writer.append([.integer(1), value]) }
        #expect(error == .valueMismatch(column: "the column", type: type, value: value))
        #expect(error.description.contains("\"the column\""))
        #expect(error.description.contains(String(decoding: JSONWriter.encode(value), as: UTF8.self)))
    }

    @Test func aRejectedRowLeavesNoTraceAndNonNullableRefusesNull() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("atomic.arrow")
        let schema = [ArrowField(name: "a", type: .utf8), ArrowField(name: "b", type: .int64, nullable: false)]
        let writer = try ArrowStreamWriter(path: path, schema: schema)
        try writer.append([.string("kept"), .integer(1)])
        let error = try #require(throws: ArrowError.self) { try writer.append([.string("dropped"), .null]) }
        #expect(error == .valueMismatch(column: "b", type: .int64, value: .null))
        #expect(error.description.contains("not nullable"))
        #expect(throws: ArrowError.rowWidth(expected: 2, actual: 1)) { try writer.append([.string("short")]) }
        try writer.append([.null, .integer(2)])
        let summary = try writer.finish()
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(summary == ArrowStreamSummary(rows: 2, batches: 1, bytes: size))
        #expect(throws: ArrowError.writerClosed(path: path)) { try writer.append([.null, .integer(3)]) }
        #expect(throws: ArrowError.writerClosed(path: path)) { try writer.finish() }
        let noColumns = directory.path("none.arrow")
        #expect(throws: ArrowError.noColumns(path: noColumns)) { try ArrowStreamWriter(path: noColumns, schema: []) }
        #expect(!FileManager.default.fileExists(atPath: noColumns))

        let rows = try ArrowTestData.readBatches(path).batches
        #expect(rows == [[[.string("kept"), .integer(1)], [.null, .integer(2)]]])
        #expect(try Pyarrow.read(path).rows == [[.string("kept"), .integer(1)], [.null, .integer(2)]])
    }
}

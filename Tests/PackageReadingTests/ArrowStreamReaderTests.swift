import DropFormats
import DropJSON
import Foundation
import PackageReading
import Testing

@Suite struct ArrowStreamReaderTests {
    /// The rows `pyarrowWrites` makes in Python, as our reader must return them.
    private static let pyarrowRows: [[JSONValue]] = [
        [.integer(1), .double(0.5), .string("été"), .bool(true), .array([.double(1), .double(2.5)])],
        [.null, .null, .null, .null, .null],
        [.integer(-3), .double(-1e300), .string(""), .bool(false), .array([])],
        [.integer(.max), .double(0.1), .string("日本 🎉"), .bool(true), .array([.double(3), .null])],
        [.integer(.min), .double(2), .string("x"), .bool(false), .array([.double(-0.25)])],
    ]

    private static let pyarrowWrites = """
        import sys, pyarrow as pa, pyarrow.ipc as ipc
        schema = pa.schema([
            pa.field("i", pa.int64()), pa.field("d", pa.float64()), pa.field("текст", pa.string()),
            pa.field("b", pa.bool_()), pa.field("l", pa.list_(pa.float64()), nullable=False),
        ])
        table = pa.table({
            "i": [1, None, -3, 2**63 - 1, -2**63],
            "d": [0.5, None, -1e300, 0.1, 2.0],
            "текст": ["été", None, "", "日本 🎉", "x"],
            "b": [True, None, False, True, False],
            "l": [[1.0, 2.5], None, [], [3.0, None], [-0.25]],
        }, schema=schema)
        with ipc.new_stream(sys.argv[1], schema) as writer:
            writer.write_table(table, max_chunksize=2)
        with ipc.new_stream(sys.argv[2], schema) as writer:
            pass
        """

    @Test func readsWhatPyarrowWrites() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("pyarrow.arrow")
        let emptyPath = directory.path("pyarrow-empty.arrow")
        _ = try Pyarrow.run(Self.pyarrowWrites, [path, emptyPath])
        let expectedSchema = [
            ArrowField(name: "i", type: .int64), ArrowField(name: "d", type: .double), ArrowField(name: "текст", type: .utf8),
            ArrowField(name: "b", type: .bool), ArrowField(name: "l", type: .listOfDouble, nullable: false),
        ]

        let read = try ArrowTestData.readBatches(path)
        #expect(read.schema == expectedSchema)
        #expect(read.batches.map(\.count) == [2, 2, 1])
        #expect(Array(read.batches.joined()) == Self.pyarrowRows)

        let empty = try ArrowTestData.readBatches(emptyPath)
        #expect(empty.schema == expectedSchema)
        #expect(empty.batches.isEmpty)
    }

    @Test(arguments: [
        ("pa.uint64()", "Int(64, unsigned)"),
        ("pa.float16()", "FloatingPoint(half)"),
        ("pa.large_binary()", "LargeBinary"),
        ("pa.string_view()", "Utf8View"),
        ("pa.list_(pa.int64())", "List<Int(64, signed)>"),
        ("pa.large_list(pa.float32())", "LargeList<FloatingPoint(single)>"),
        ("pa.list_(pa.list_(pa.float64()))", "List<List>"),
        ("pa.timestamp('us', tz='UTC')", "Timestamp"),
        ("pa.date32()", "Date"),
        ("pa.dictionary(pa.int32(), pa.string())", "dictionary-encoded"),
    ])
    func unsupportedTypesAreNamed(pythonType: String, named: String) throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("unsupported.arrow")
        _ = try Pyarrow.run("""
            import sys, pyarrow as pa, pyarrow.ipc as ipc
            schema = pa.schema([pa.field("ok", pa.int64()), pa.field("odd one", \(pythonType))])
            with ipc.new_stream(sys.argv[1], schema) as writer:
                pass
            """, [path])
        let error = try #require(throws: ArrowError.self) { try ArrowStreamReader(path: path) }
        guard case .unsupported(path, 0, let reason) = error else {
            Issue.record("expected .unsupported at byte 0 of \(path), got \(error)")
            return
        }
        #expect(reason.contains("\"odd one\""))
        #expect(reason.contains(named))
        if named == "Timestamp" || named == "Date" {
            #expect(reason.contains("convert dates and times to int64"))
        }
    }

    @Test func badMarkerIsMalformed() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("text.arrow")
        try Data("id,name\n1,a\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ArrowError.self) { try ArrowStreamReader(path: path) }
        #expect(error == .malformed(path: path, offset: 0, reason: "expected the continuation marker FF FF FF FF, found 69 64 2C 6E"))
    }

    @Test func truncationIsMalformedWhereverTheFileIsCut() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("whole.arrow")
        let schema = [ArrowField(name: "s", type: .utf8), ArrowField(name: "l", type: .listOfDouble)]
        let rows: [[JSONValue]] = (0..<10).map { [.string("row \($0)"), .array([.double(Double($0))])] }
        try ArrowTestData.write(rows, schema: schema, to: path, maxRowsPerBatch: 5)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))

        // Cut inside the last batch's body: the schema and first batch read, then an error.
        let cut = directory.path("cut.arrow")
        try whole.prefix(whole.count - 8 - 16).write(to: URL(fileURLWithPath: cut))
        let reader = try ArrowStreamReader(path: cut)
        #expect(try reader.nextBatch() == Array(rows[0..<5]))
        let error = try #require(throws: ArrowError.self) { try reader.nextBatch() }
        guard case .malformed(cut, _, let reason) = error else {
            Issue.record("expected .malformed, got \(error)")
            return
        }
        #expect(reason.contains("ends inside a message body"))

        // Every other cut, through metadata and prefixes, is an error too, never a crash; only
        // cuts at a message boundary read as a (shorter) valid stream.
        var readsCleanly: [Int] = []
        for length in 0..<whole.count {
            try whole.prefix(length).write(to: URL(fileURLWithPath: cut))
            do {
                _ = try ArrowTestData.readBatches(cut)
                readsCleanly.append(length)
            } catch is ArrowError {
            }
        }
        // A stream of the first n rows ends, before its 8-byte end marker, where the full
        // stream's next message starts.
        var boundaries: [Int] = []
        for count in [0, 5, 10] {
            let prefix = directory.path("\(count).arrow")
            let summary = try ArrowTestData.write(Array(rows[0..<count]), schema: schema, to: prefix, maxRowsPerBatch: 5)
            boundaries.append(summary.bytes - 8)
        }
        #expect(readsCleanly == boundaries)
    }

    @Test func corruptBytesAreErrorsNotCrashes() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("whole.arrow")
        let schema = ArrowColumnCase.samples.map { ArrowField(name: "\($0.0)", type: $0.0) }
        let rows: [[JSONValue]] = (0..<3).map { index in
            ArrowColumnCase.samples.map { index == 1 ? .null : $0.1[index] }
        }
        try ArrowTestData.write(rows, schema: schema, to: path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let corrupt = directory.path("corrupt.arrow")
        var errors = 0
        for position in 0..<whole.count {
            for byte: UInt8 in [0x00, 0x7F, 0xFF] where whole[position] != byte {
                var bytes = whole
                bytes[position] = byte
                try bytes.write(to: URL(fileURLWithPath: corrupt))
                do {
                    _ = try ArrowTestData.readBatches(corrupt)
                } catch is ArrowError {
                    errors += 1
                }
            }
        }
        #expect(errors > whole.count)  // most corruptions are caught; none may crash
    }
}

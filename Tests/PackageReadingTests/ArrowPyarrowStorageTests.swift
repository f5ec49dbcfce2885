import DropFormats
import DropJSON
import Foundation
import Testing

/// Columns pyarrow stores differently from our writer — narrower numbers, 64-bit offsets — read
/// as the `ArrowType` that holds their values, checked against what pyarrow itself reads.
@Suite struct ArrowPyarrowStorageTests {
    private static let narrowAndLarge = """
        import sys, pyarrow as pa, pyarrow.ipc as ipc
        columns = {
            "i8": (pa.int8(), [-128, 5, 127, 0, -1]),
            "i16": (pa.int16(), [-32768, None, 32767, 1, -2]),
            "i32": (pa.int32(), [-2**31, None, 2**31 - 1, 2, -3]),
            "u8": (pa.uint8(), [255, None, 0, 1, 128]),
            "u16": (pa.uint16(), [65535, None, 0, 1, 32768]),
            "u32": (pa.uint32(), [2**32 - 1, None, 0, 1, 2**31]),
            "f32": (pa.float32(), [0.1, None, -3.4e38, 1.5, 16777217.0]),
            "ls": (pa.large_string(), ["été", None, "", "日本 🎉", "x" * 300]),
            "ll": (pa.large_list(pa.float64()), [[1.0, 2.5], None, [], [3.0, None], [-0.25]]),
        }
        schema = pa.schema([pa.field(name, t, nullable=(name != "i8")) for name, (t, _) in columns.items()])
        table = pa.table({name: pa.array(v, t) for name, (t, v) in columns.items()}, schema=schema)
        with ipc.new_stream(sys.argv[1], schema) as writer:
            writer.write_table(table, max_chunksize=int(sys.argv[2]))
        """

    /// Row 1 is null in every column but the non-nullable "i8".
    private static let narrowAndLargeRows: [[JSONValue]] = [
        [
            .integer(-128), .integer(-32768), .integer(-2_147_483_648), .integer(255), .integer(65535), .integer(4_294_967_295),
            .double(Double(Float(0.1))), .string("été"), .array([.double(1), .double(2.5)]),
        ],
        [.integer(5), .null, .null, .null, .null, .null, .null, .null, .null],
        [
            .integer(127), .integer(32767), .integer(2_147_483_647), .integer(0), .integer(0), .integer(0),
            .double(Double(Float(-3.4e38))), .string(""), .array([]),
        ],
        [.integer(0), .integer(1), .integer(2), .integer(1), .integer(1), .integer(1), .double(1.5), .string("日本 🎉"), .array([.double(3), .null])],
        [
            .integer(-1), .integer(-2), .integer(-3), .integer(128), .integer(32768), .integer(2_147_483_648),
            .double(16_777_216), .string(String(repeating: "x", count: 300)), .array([.double(-0.25)]),
        ],
    ]

    @Test func narrowNumbersAndLargeOffsetsReadAsTheTypesThatHoldThem() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("narrow-large.arrow")
        _ = try Pyarrow.run(Self.narrowAndLarge, [path, "2"])

        let ours = try ArrowTestData.readBatches(path)
        #expect(ours.schema == [
            ArrowField(name: "i8", type: .int64, nullable: false), ArrowField(name: "i16", type: .int64),
            ArrowField(name: "i32", type: .int64), ArrowField(name: "u8", type: .int64), ArrowField(name: "u16", type: .int64),
            ArrowField(name: "u32", type: .int64), ArrowField(name: "f32", type: .double), ArrowField(name: "ls", type: .utf8),
            ArrowField(name: "ll", type: .listOfDouble),
        ])
        #expect(ours.batches.map(\.count) == [2, 2, 1])
        let rows = Array(ours.batches.joined())
        #expect(rows == Self.narrowAndLargeRows)

        let pyarrow = try Pyarrow.read(path)
        #expect(pyarrow.fields.map(\.type) == [
            "int8", "int16", "int32", "uint8", "uint16", "uint32", "float", "large_string", "large_list<item: double>",
        ])
        #expect(pyarrow.rows == rows)
    }

    /// What Openlayer's Python SDK uploads: `pa.Table.from_pandas(df)` of a pandas 3 DataFrame,
    /// whose strings (inferred, or object columns cast with `astype("str")`) become
    /// `large_string`, whose missing values (None, NaN, pd.NA) become nulls, and whose
    /// nullable Int32 and float32 columns stay narrow.
    @Test(.enabled(if: Pyarrow.hasPandas3, "the test Python lacks pandas 3"))
    func pandas3DataFrameReadsAsItsValues() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("pandas.arrow")
        _ = try Pyarrow.run("""
            import sys, pandas as pd, pyarrow as pa, pyarrow.ipc as ipc
            df = pd.DataFrame({
                "id": [1, 2, 3],
                "text": ["héllo", None, "wörld 🎉"],
                "object_text": pd.Series(["a", None, "c"], dtype=object).astype("str"),
                "score": [0.5, float("nan"), 2.0],
                "count": pd.array([7, None, -7], dtype="Int32"),
                "ratio": pd.Series([0.25, None, 1.5], dtype="float32"),
                "flag": [True, False, True],
                "embedding": [[0.1, 0.2], None, []],
            })
            table = pa.Table.from_pandas(df)
            types = [str(t) for t in table.schema.types]
            assert types == ["int64", "large_string", "large_string", "double", "int32", "float", "bool",
                             "list<item: double>"], types
            with ipc.new_stream(sys.argv[1], table.schema) as writer:
                writer.write_table(table)
            """, [path])

        let ours = try ArrowTestData.readBatches(path)
        #expect(ours.schema.map(\.name) == ["id", "text", "object_text", "score", "count", "ratio", "flag", "embedding"])
        #expect(ours.schema.map(\.type) == [.int64, .utf8, .utf8, .double, .int64, .double, .bool, .listOfDouble])
        let rows = Array(ours.batches.joined())
        #expect(rows == [
            [.integer(1), .string("héllo"), .string("a"), .double(0.5), .integer(7), .double(0.25), .bool(true), .array([.double(0.1), .double(0.2)])],
            [.integer(2), .null, .null, .null, .null, .null, .bool(false), .null],
            [.integer(3), .string("wörld 🎉"), .string("c"), .double(2), .integer(-7), .double(1.5), .bool(true), .array([])],
        ])
        #expect(try Pyarrow.read(path).rows == rows)
    }

    /// The 8-byte offsets and narrow values are bounds-checked like the rest: a corrupt file is
    /// an error or a (wrong) read, never a crash.
    @Test func corruptLargeAndNarrowColumnsAreErrorsNotCrashes() throws {
        let directory = try ArrowTestDirectory()
        let path = directory.path("whole.arrow")
        _ = try Pyarrow.run(Self.narrowAndLarge, [path, "5"])  // one batch: fewer bytes to flip
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
        #expect(errors > whole.count / 2)
    }
}

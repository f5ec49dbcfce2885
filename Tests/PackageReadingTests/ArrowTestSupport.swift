import DropFormats
import DropJSON
import Foundation
import PackageReading
import Testing

/// A fresh temporary directory for a test's Arrow files, removed when the test is done.
final class ArrowTestDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("dropformats-arrow-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// What pyarrow, the reader Openlayer's backend uses, sees in a stream.
struct PyarrowView {
    struct Field: Equatable {
        var name: String
        /// `str()` of the pyarrow type: "int64", "double", "string", "bool", "list<item: double>".
        var type: String
        var nullable: Bool
    }

    var fields: [Field]
    /// Rows of each record batch, in order.
    var batches: [Int]
    var rows: [[JSONValue]]

    /// The pyarrow type string for each of our types: utf8 is `pa.string()` (32-bit offsets),
    /// never `large_string`.
    static func typeName(_ type: ArrowType) -> String {
        switch type {
        case .int64: "int64"
        case .double: "double"
        case .utf8: "string"
        case .bool: "bool"
        case .listOfDouble: "list<item: double>"
        }
    }
}

/// Runs the project's Python (`.venv/bin/python3` at the package root, made by
/// `scripts/test-deps.sh`) so that files are checked by pyarrow itself.
enum Pyarrow {
    static let python = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".venv/bin/python3").path

    /// Whether the test Python also has pandas 3, whose DataFrames Openlayer's Python SDK turns
    /// into Arrow. `scripts/test-deps.sh` installs only pyarrow and PyYAML, so the tests that
    /// need pandas are skipped without it rather than failed.
    static let hasPandas3: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import sys, pandas; sys.exit(int(pandas.__version__.split('.')[0]) < 3)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Runs `script` with `arguments` as `sys.argv[1...]`; returns its standard output. A
    /// missing venv fails the test: these checks are the point, not an optional extra.
    static func run(_ script: String, _ arguments: [String]) throws -> [UInt8] {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no Python with pyarrow at \(python): run scripts/test-deps.sh"
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python failed: \(String(decoding: stderr, as: UTF8.self))")
        return Array(stdout)
    }

    /// Reads the stream at `path` with `pyarrow.ipc.open_stream`, validates it fully (offsets,
    /// UTF-8, lengths) and returns schema, batch sizes and values.
    static func read(_ path: String) throws -> PyarrowView {
        let script = """
            import json, sys, pyarrow as pa, pyarrow.ipc as ipc
            with open(sys.argv[1], "rb") as f:
                reader = ipc.open_stream(f)
                batches = list(reader)
                schema = reader.schema
            for b in batches:
                b.validate(full=True)
            table = pa.Table.from_batches(batches, schema=schema)
            fields = []
            for f in schema:
                if pa.types.is_list(f.type):
                    item = f.type.value_field
                    assert item.name == "item" and item.nullable and item.type == pa.float64(), str(item)
                fields.append({"name": f.name, "type": str(f.type), "nullable": f.nullable})
            columns = [c.to_pylist() for c in table.columns]
            rows = [[c[r] for c in columns] for r in range(table.num_rows)]
            out = {"fields": fields, "batches": [b.num_rows for b in batches], "rows": rows}
            sys.stdout.buffer.write(json.dumps(out, ensure_ascii=False, allow_nan=False).encode("utf-8"))
            """
        let json = try JSONParser.parse(try run(script, [path]))
        guard case .object(let object) = json,
            case .array(let fields)? = object["fields"],
            case .array(let batches)? = object["batches"],
            case .array(let rows)? = object["rows"]
        else {
            throw PyarrowOutputError(json: json)
        }
        return PyarrowView(
            fields: try fields.map { field in
                guard case .object(let field) = field, case .string(let name)? = field["name"],
                    case .string(let type)? = field["type"], case .bool(let nullable)? = field["nullable"]
                else { throw PyarrowOutputError(json: json) }
                return PyarrowView.Field(name: name, type: type, nullable: nullable)
            },
            batches: try batches.map { batch in
                guard case .integer(let count) = batch else { throw PyarrowOutputError(json: json) }
                return Int(count)
            },
            rows: try rows.map { row in
                guard case .array(let values) = row else { throw PyarrowOutputError(json: json) }
                return values
            }
        )
    }
}

struct PyarrowOutputError: Error {
    var json: JSONValue
}

enum ArrowTestData {
    /// What a value reads back as, from our reader or pyarrow: integers given to a double
    /// column (or a list of doubles) come back as doubles.
    static func readBack(_ rows: [[JSONValue]], schema: [ArrowField]) -> [[JSONValue]] {
        rows.map { row in
            zip(row, schema).map { value, field in
                switch (field.type, value) {
                case (.double, .integer(let number)): return .double(Double(number))
                case (.listOfDouble, .array(let items)):
                    return .array(items.map { item in
                        if case .integer(let number) = item { return .double(Double(number)) }
                        return item
                    })
                default: return value
                }
            }
        }
    }

    /// Writes `rows` and returns the writer's summary.
    @discardableResult
    static func write(
        _ rows: [[JSONValue]], schema: [ArrowField], to path: String, maxRowsPerBatch: Int = 16384
    ) throws -> ArrowStreamSummary {
        let writer = try ArrowStreamWriter(path: path, schema: schema, maxRowsPerBatch: maxRowsPerBatch)
        for row in rows {
            try writer.append(row)
        }
        return try writer.finish()
    }

    /// Every batch our reader returns, in order.
    static func readBatches(_ path: String) throws -> (schema: [ArrowField], batches: [[[JSONValue]]]) {
        let reader = try ArrowStreamReader(path: path)
        var batches: [[[JSONValue]]] = []
        while let batch = try reader.nextBatch() {
            batches.append(batch)
        }
        return (reader.schema, batches)
    }
}

import Crypto
import DropJSON
import Foundation
import Testing

/// What arrives at the sandbox is what pandas reads from the dropped file: each file goes
/// through the real binaries, and `Tests/PythonReference/compare_with_pandas.py` compares the
/// stored rows with `pandas.read_csv` / `read_json(lines=True)` of the same file, value and type.
@Suite("Rows published as pandas reads them", .serialized, .timeLimit(.minutes(3)))
struct PandasAgreementTests {
    static var comparer: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PythonReference/compare_with_pandas.py").path
    }

    /// Every kind of tricky-but-valid CSV in one file: a BOM, CRLF, an index column without a
    /// name, quoted commas, quotes and newlines, emoji and CJK, empty cells, integers above 2^53,
    /// `1e-7`, `-0.0`, booleans, missing-value words and a column the config does not name.
    static let trickyCSV = "\u{FEFF},inference_id,amount,merchant,hour,prediction,scores,note,flag,big,tiny,zero,extra\r\n"
        + "0,t1,12.5,\"fuel, diesel\",3,0,\"[0.9, 0.1]\",\"she said \"\"hi\"\"\",True,9007199254740993,1e-7,-0.0,N/A\r\n"
        + "1,t2,880,électronique 🛒,23,1,\"[0.2, 0.8]\",\"line one\nline two\",false,9007199254740995,2.5e-3,0.0,\r\n"
        + "2,t3,4.75,食料品,,0,\"[0.95, 0.05]\",,TRUE,-9007199254740993,1e-300,-0.0,x\r\n"
        + "3,t4,19.99,NA,12,1,\"[0.4, 0.6]\",#N/A,NA,3,0.1,1,NULL\r\n"

    /// Nested values, keys in varying order, a missing key, escapes, integers above 2^53.
    static let trickyJSONL = """
        {"inference_id": "j1", "amount": 12.5, "merchant": "fuel", "hour": 3, "prediction": 0, "scores": [0.9, 0.1], "meta": {"source": "batch", "tags": ["a", "b"]}, "big": 9007199254740993, "flag": true, "note": "caf\\u00e9 \u{2615}"}
        {"scores": [0.2, 0.8], "prediction": 1, "hour": null, "merchant": "電子", "amount": 880, "inference_id": "j2", "big": -5, "flag": false}
        {"inference_id": "j3", "merchant": "N/A", "amount": 4.75, "hour": 7, "prediction": 0, "scores": [0.95, 0.05], "meta": null, "big": 0, "note": ""}

        """

    /// Drops `contents` as `name`, waits for its receipt, and has pandas compare the rows the
    /// sandbox stored with the file. Returns the receipt.
    @discardableResult
    static func dropAndCompare(
        _ name: String, _ contents: String, workspace: DropWorkspace, text: [String] = ["merchant", "inference_id"],
        expectRejected: Int = 0
    ) async throws -> JSONObject {
        try await dropAndCompare(name, bytes: Data(contents.utf8), workspace: workspace, text: text, expectRejected: expectRejected)
    }

    /// `dropAndCompare` of a file given as bytes (a gzip file).
    @discardableResult
    static func dropAndCompare(
        _ name: String, bytes: Data, workspace: DropWorkspace, text: [String] = ["merchant", "inference_id"], expectRejected: Int = 0
    ) async throws -> JSONObject {
        let rowsBefore = try await storedRows(workspace)
        try workspace.dropByRename(name, bytes: bytes)
        try await eventually("the receipt of \(name)\n\(workspace.log)") { workspace.receipts()[name] != nil }
        let receipt = try #require(workspace.receipts()[name])
        #expect(receipt["rowsRejected"] == .integer(Int64(expectRejected)), "\(receipt)")
        let rows = Array(try await storedRows(workspace).dropFirst(rowsBefore.count))
        guard case .string(let archived)? = receipt["archivedAs"] else { throw Failure("no archivedAs in \(receipt)") }
        var spec = JSONObject([
            .init(key: "file", value: .string(archived)),
            .init(key: "rows", value: .array(rows.map(JSONValue.object))),
            .init(key: "text", value: .array(text.map(JSONValue.string))),
            .init(key: "scores", value: .string("scores")),
            .init(key: "filled", value: .array([.string("inference_id"), .string("timestamp")])),
        ])
        if case .string(let rejected)? = receipt["rejectedRowsFile"] { spec["rejectedFile"] = .string(rejected) }
        let specPath = NSTemporaryDirectory() + "pandas-spec-\(UUID().uuidString).json"
        try Data(JSONWriter.encode(.object(spec))).write(to: URL(fileURLWithPath: specPath))
        defer { try? FileManager.default.removeItem(atPath: specPath) }
        let verdict = try SeedFlowTests.run(SeedFlowTests.python, [comparer, specPath])
        #expect(verdict.hasPrefix("agrees: \(rows.count) rows"), "\(verdict)")
        return receipt
    }

    /// The rows the workspace's pipeline holds, in arrival order.
    static func storedRows(_ workspace: DropWorkspace) async throws -> [JSONObject] {
        guard let pipelineId = workspace.receipts().values.compactMap({ Self.text($0["inferencePipelineId"]) }).first else { return [] }
        return try await workspace.sandbox.rows(pipelineId: pipelineId)
    }

    static func text(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { text } else { nil }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// One request at a time, so that rows arrive in file order.
    static func workspace(_ sandbox: Sandbox, _ settings: [String] = [], dataConfig: [String] = DropWorkspace.fraudDataConfig) async throws -> DropWorkspace {
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["maxBatchesInFlight: 1"] + settings, dataConfig: dataConfig)
        try await workspace.startWatcher()
        return workspace
    }

    @Test("The seed's example row publishes as is, from CSV and from JSONL, its 2021 timestamp kept")
    func seedExampleRow() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try await Self.workspace(sandbox, dataConfig: [
            "classNames: [negative, positive]", "featureNames: [feature_1, feature_2, feature_3]",
            "predictionsColumnName: output", "inferenceIdColumnName: inference_id", "timestampColumnName: timestamp",
        ])
        defer { workspace.remove() }
        try await Self.dropAndCompare("seed.csv", """
            timestamp,inference_id,feature_1,feature_2,feature_3,output
            1631971200,1aef4,0.1,0.2,0.3,1

            """, workspace: workspace, text: ["inference_id"])
        try await Self.dropAndCompare("seed.jsonl", """
            {"timestamp": 1631971200, "inference_id": "1aef5", "feature_1": 0.1, "feature_2": 0.2, "feature_3": 0.3, "output": 1}

            """, workspace: workspace, text: ["inference_id"])
        let rows = try await Self.storedRows(workspace)
        #expect(rows.map { $0["timestamp"] } == [.integer(1_631_971_200), .integer(1_631_971_200)])
        #expect(rows.first?["feature_1"] == .double(0.1) && rows.first?["output"] == .integer(1))
    }

    @Test("Every missing-value word of pandas is null, whatever the column")
    func missingValueWords() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try await Self.workspace(sandbox)
        defer { workspace.remove() }
        let words = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
        var csv = "amount,merchant,hour,prediction,scores,note,score\n"
        for (index, word) in words.enumerated() { csv += "\(word),\(word),\(index),\(index % 2),\"[0.5, 0.5]\",\(word),\(word)\n" }
        csv += "1.5,fuel,99,1,\"[0.5, 0.5]\",text,2\n"
        try await Self.dropAndCompare("missing.csv", csv, workspace: workspace)
        let rows = try await Self.storedRows(workspace)
        #expect(rows.dropLast().allSatisfy { $0["amount"] == .null && $0["merchant"] == .null && $0["note"] == .null && $0["score"] == .null })
    }

    @Test("A set-aside row leaves its column's type alone: 3 stays 3, 2^53 + 1 stays exact")
    func typeFromSentRows() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try await Self.workspace(sandbox)
        defer { workspace.remove() }
        let receipt = try await Self.dropAndCompare("bad-cell.csv", """
            inference_id,amount,merchant,hour,prediction,scores,big
            b1,3,fuel,2,0,"[0.5, 0.5]",9007199254740993
            b2,abc,fuel,2.5,0,"[0.5, 0.5]",1.5
            b3,5,fuel,4,1,"[0.5, 0.5]",12
            b4,7,fuel,6,1,"[0.5, 0.5]",-9007199254740993
            b5,9,fuel,8,1,"[0.5, 0.5]",0
            b6,11,fuel,10,1,"[0.5, 0.5]",1
            b7,13,fuel,12,1,"[0.5, 0.5]",2
            b8,15,fuel,14,1,"[0.5, 0.5]",3
            b9,17,fuel,16,1,"[0.5, 0.5]",4
            b10,19,fuel,18,1,"[0.5, 0.5]",5

            """, workspace: workspace, expectRejected: 1)
        #expect(receipt["rowsPublished"] == .integer(9))
        let rows = try await Self.storedRows(workspace)
        #expect(rows.first?["amount"] == .integer(3) && rows.first?["big"] == .integer(9_007_199_254_740_993))
    }

    @Test("True/False in a column the config does not name are booleans; a mixed column is text")
    func booleans() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try await Self.workspace(sandbox)
        defer { workspace.remove() }
        try await Self.dropAndCompare("flags.csv", """
            amount,merchant,hour,prediction,scores,flag,mixed,shouted
            1,fuel,1,0,"[0.5, 0.5]",True,True,TRUE
            2,fuel,1,0,"[0.5, 0.5]",False,1,FALSE
            3,fuel,1,0,"[0.5, 0.5]",true,x,
            4,fuel,1,0,"[0.5, 0.5]",false,,TRUE

            """, workspace: workspace)
        let rows = try await Self.storedRows(workspace)
        #expect(rows.map { $0["flag"] } == [.bool(true), .bool(false), .bool(true), .bool(false)])
    }

    @Test("A CSV of every tricky-but-valid kind, streamed and in bulk, is what pandas reads")
    func trickyCSV() async throws {
        for mode in ["stream", "bulk"] {
            let sandbox = try Sandbox()
            defer { sandbox.stop() }
            let workspace = try await Self.workspace(sandbox, ["mode: \(mode)"])
            defer { workspace.remove() }
            let receipt = try await Self.dropAndCompare("tricky.csv", Self.trickyCSV, workspace: workspace)
            #expect(receipt["mode"] == .string(mode))
            let rows = try await Self.storedRows(workspace).sorted { (Self.text($0["inference_id"]) ?? "") < (Self.text($1["inference_id"]) ?? "") }
            #expect(rows.map { $0["Unnamed: 0"] } == [.integer(0), .integer(1), .integer(2), .integer(3)])
            #expect(rows.map { $0["big"] } == [9_007_199_254_740_993, 9_007_199_254_740_995, -9_007_199_254_740_993, 3].map(JSONValue.integer))
            #expect(rows[1]["note"] == .string("line one\nline two") && rows[0]["note"] == .string(#"she said "hi""#))
        }
    }

    /// Streamed: in bulk, a nested object travels as its JSON text (an Arrow utf8 column).
    @Test("A JSONL file with nested values and keys in varying order is what pandas reads")
    func trickyJSONL() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try await Self.workspace(sandbox, ["mode: stream"])
        defer { workspace.remove() }
        try await Self.dropAndCompare("tricky.jsonl", Self.trickyJSONL, workspace: workspace, text: ["merchant", "inference_id", "note"])
        let rows = try await Self.storedRows(workspace)
        #expect(rows.map { $0["big"] } == [.integer(9_007_199_254_740_993), .integer(-5), .integer(0)])
        #expect(rows.first?["note"] == .string("caf\u{E9} \u{2615}"))
    }
}

extension PandasAgreementTests {
    /// `text` compressed by the system's gzip.
    static func gzipped(_ text: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let source = NSTemporaryDirectory() + "gzip-source-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: source))
        defer { try? FileManager.default.removeItem(atPath: source) }
        process.standardInput = FileHandle(forReadingAtPath: source)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return compressed
    }

    @Test("A .csv.gz, streamed and in bulk, and a .jsonl.gz are what pandas reads; the receipt's SHA-256 is the compressed file's")
    func gzippedFiles() async throws {
        for mode in ["stream", "bulk"] {
            let sandbox = try Sandbox()
            defer { sandbox.stop() }
            let workspace = try await Self.workspace(sandbox, ["mode: \(mode)"])
            defer { workspace.remove() }
            let compressed = try Self.gzipped(Self.trickyCSV)
            let receipt = try await Self.dropAndCompare("tricky.csv.gz", bytes: compressed, workspace: workspace)
            #expect(receipt["sha256"] == .string(SHA256.hash(data: compressed).map { String(format: "%02x", $0) }.joined()))
            #expect(receipt["bytes"] == .integer(Int64(compressed.count)))
            #expect(receipt["rows"] == .integer(4))
            if mode == "stream" {
                try await Self.dropAndCompare(
                    "tricky.jsonl.gz", bytes: try Self.gzipped(Self.trickyJSONL), workspace: workspace, text: ["merchant", "inference_id", "note"])
            }
        }
    }
}

import DropJSON
import Foundation
import Testing

/// What is sent must not change by accident: a fixed set of files — the tricky-but-valid ones,
/// the samples, and generated files of many rows — goes through the real binaries, streamed and
/// in bulk, and every row the sandbox received is compared, value and JSON type, with the rows
/// checked in under `Tests/Golden/`.
///
/// After a change meant to alter what is sent, `GOLDEN_UPDATE=1 swift test --filter GoldenRows`
/// writes the expectation anew; the diff then shows exactly what changed.
@Suite("Every row sent stays what it was", .serialized, .timeLimit(.minutes(5)))
struct GoldenRowsTests {
    static var folder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden").path
    }

    static var samples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples").path
    }

    /// The files, in the order they are dropped.
    static func inputs() throws -> [(name: String, contents: String)] {
        [
            ("tricky.csv", PandasAgreementTests.trickyCSV),
            ("tricky.jsonl", PandasAgreementTests.trickyJSONL),
            ("sample.csv", try String(contentsOfFile: samples + "/fraud-2026-11-26.csv", encoding: .utf8)),
            ("sample.jsonl", try String(contentsOfFile: samples + "/fraud-stream-2026-11-26.jsonl", encoding: .utf8)),
            ("generated.csv", GeneratedFile.csv(rows: 1200)),
            ("generated.jsonl", GeneratedFile.jsonl(rows: 600)),
        ]
    }

    /// Fixed so that filled-in timestamps are the same in every run.
    static let modified = Date(timeIntervalSince1970: 1_795_600_000)

    @Test("Rows received match the checked-in expectation", arguments: ["stream", "bulk"])
    func rows(mode: String) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(
            sandbox: sandbox, pipelineSettings: ["mode: \(mode)", "maxBatchesInFlight: 1", "batchRows: 250", "maxInvalidRowFraction: 0.5"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        var lines: [String] = []
        var seen = 0
        for input in try Self.inputs() {
            try workspace.dropByRename(input.name, input.contents, modified: Self.modified)
            try await eventually("the receipt of \(input.name)\n\(workspace.log)") { workspace.receipts()[input.name] != nil }
            let rows = try await PandasAgreementTests.storedRows(workspace)
            for row in rows.dropFirst(seen) {
                let line = JSONObject([.init(key: "file", value: .string(input.name)), .init(key: "row", value: .object(row))])
                lines.append(String(decoding: JSONWriter.encode(.object(line)), as: UTF8.self))
            }
            seen = rows.count
        }
        let path = Self.folder + "/rows-\(mode).jsonl"
        if ProcessInfo.processInfo.environment["GOLDEN_UPDATE"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count, "rows received \(lines.count), expected \(expected.count)")
        var differences = 0
        for (index, (actual, wanted)) in zip(lines, expected).enumerated() where actual != wanted {
            differences += 1
            if differences <= 5 { Issue.record("row \(index + 1) differs:\n  expected \(wanted)\n  received \(actual)") }
        }
        #expect(differences == 0, "\(differences) rows differ")
    }
}

/// Predictions files of many rows with every kind of value, the same in every run (a fixed
/// pseudo-random sequence): decimals in several spellings, categories with commas, quotes and
/// other scripts, empty cells and missing-value words, booleans, large integers, a few invalid
/// rows, prediction scores with varied spacing.
enum GeneratedFile {
    /// xorshift64*, seeded: the same numbers everywhere.
    struct Sequence {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
    }

    static let merchants = ["fuel", "grocery", "\"electronics, online\"", "café", "食料品", "\"say \"\"hi\"\"\"", "NA", "", "n/a", "travel 🛫"]
    static let amounts = ["12.5", "880", "1e-7", "-0.0", "3.25E2", ".5", "7.", "+4.75", " 19.99 ", "0.1", "100000.0001"]

    static func csv(rows: Int) -> String {
        var random = Sequence()
        var text = "amount,merchant,hour,prediction,scores,flag,big,note,ratio\n"
        for row in 1...rows {
            let amount = random.below(50) == 0 ? "abc" : random.pick(amounts)
            let hour = random.below(10) == 0 ? "" : String(random.below(24))
            let prediction = random.below(2)
            let first = Double(random.below(1001)) / 1000
            let scores = random.pick(["\"[\(first), \(1 - first)]\"", "\"[\(first),\(1 - first)]\""])
            let flag = random.pick(["True", "False", "true", "FALSE", "NA"])
            let big = String(Int64(bitPattern: random.next() >> UInt64(random.below(64))))
            let note = random.pick(["", "ok", "\"line one\nline two\"", "N/A", "#N/A", "tab\there", "row \(row)"])
            let ratio = random.pick(["1", "2", "0.5", "", "None"])
            text += "\(amount),\(random.pick(merchants)),\(hour),\(prediction),\(scores),\(flag),\(big),\(note),\(ratio)\n"
        }
        return text
    }

    static func jsonl(rows: Int) -> String {
        var random = Sequence(state: 0xD1B5_4A32_D192_ED03)
        var text = ""
        for row in 1...rows {
            let first = Double(random.below(1001)) / 1000
            var fields = [
                "\"inference_id\": \"g-\(row)\"",
                "\"timestamp\": \(1_790_000_000 + random.below(5_000_000))",
                "\"amount\": \(random.pick(["12.5", "880", "1e-7", "-0.0", "3", "0.30000000000000004"]))",
                "\"merchant\": \(random.pick(["\"fuel\"", "\"caf\\u00e9\"", "7", "null", "\"N/A\""]))",
                "\"hour\": \(random.below(40) == 0 ? "\"late\"" : random.below(10) == 0 ? "null" : String(random.below(24)))",
                "\"prediction\": \(random.below(2))",
                "\"scores\": [\(first), \(1 - first)]",
            ]
            if random.below(3) == 0 { fields.append("\"meta\": {\"batch\": \(random.below(9)), \"tags\": [\"a\", \"b\"]}") }
            if random.below(2) == 0 { fields.append("\"flag\": \(random.pick(["true", "false", "null"]))") }
            // Keys in varying order.
            if random.below(2) == 0 { fields.reverse() }
            text += "{" + fields.joined(separator: ", ") + "}\n"
        }
        return text
    }
}

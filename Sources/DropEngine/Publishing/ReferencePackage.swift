import DropFormats
import DropJSON
import Foundation
import Yams

/// A reference dataset packed the way Openlayer's SDK packs one
/// (`upload_reference_dataframe`): a gzip tarball holding `reference_dataset/dataset.csv`
/// and `reference_dataset/dataset_config.yaml` — the data config, camelCase, with
/// `label: reference`.
struct ReferencePackage {
    let plan: ColumnPlan

    /// Writes the tarball beside the claimed file and returns its path and the rows it holds.
    /// A CSV without invalid rows goes in byte for byte; otherwise (JSONL, gzip, or rows set
    /// aside) the valid rows are written out as CSV first.
    func write(_ survey: FileSurvey, rejects: RejectedRowsWriter) throws -> (path: String, rows: Int) {
        let folder = URL(fileURLWithPath: survey.path).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: survey.path).lastPathComponent
        var datasetPath = survey.path
        var rows = survey.rowCount
        if survey.format != .csv || survey.decompression.isCompressed || survey.invalidRowCount > 0 {
            datasetPath = folder + "/." + name + ".dataset.csv"
            rows = try writeCSV(survey, to: datasetPath, rejects: rejects)
        }
        defer { if datasetPath != survey.path { try? FileManager.default.removeItem(atPath: datasetPath) } }
        guard (try? FileStamp(path: survey.path))?.sameContent(as: survey.stamp) == true else {
            throw FilePublisher.Interruption.fileChanged
        }
        let tarball = folder + "/." + name + ".tar.gz"
        var finished = false
        defer { if !finished { unlink(tarball) } }
        let writer = try TarGzWriter(path: tarball)
        try writer.addDirectory("reference_dataset/")
        try writer.addFile("reference_dataset/dataset.csv", copying: datasetPath)
        try writer.addFile("reference_dataset/dataset_config.yaml", contents: Array(try configYAML(columns: survey.columns).utf8))
        try writer.finish()
        finished = true
        return (tarball, rows)
    }

    func configYAML(columns: [String]) throws -> String {
        var config = plan.wireConfig(presentColumns: Set(columns))
        config["label"] = .string("reference")
        return try Yams.serialize(node: Self.node(.object(config)))
    }

    /// The valid rows as CSV, in the file's columns; invalid rows go to `rejects`.
    private func writeCSV(_ survey: FileSurvey, to path: String, rejects: RejectedRowsWriter) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw EngineError.writeFailed(path: path, errno: errno)
        }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        CSVWriter.appendRecord(survey.columns, to: &buffer)
        let reader = try SourceReader(path: survey.path, format: survey.format, decompression: survey.decompression)
        let typer = RowTyper(plan: plan, survey: survey)
        var idTracker = DuplicateIdTracker(plan: plan, repeated: survey.repeatedIds)
        var issues: [RowIssue] = []
        var rows = 0
        while let source = try reader.next() {
            issues.removeAll(keepingCapacity: true)
            guard let row = typer.type(source, ids: &idTracker, issues: &issues) else {
                try rejects.append(source, reason: issues.map(RejectionReport.message).joined(separator: "; "))
                continue
            }
            switch source {
            case .csv(_, let fields): CSVWriter.appendRecord(fields, to: &buffer)
            // Typed values, so that a number column reads as pandas would write it ("20.0").
            case .jsonl: CSVWriter.appendRecord(survey.columns.map { Self.csvCell(row[$0]) }, to: &buffer)
            case .malformed, .csvWithInvalidUTF8: continue
            }
            rows += 1
            if buffer.count >= 1 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
        try handle.synchronize()
        return rows
    }

    /// A JSON value as pandas' `to_csv` would write it: empty for null, lists as `[0.1, 0.9]`.
    static func csvCell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let text)?: return text
        case .bool(let flag)?: return flag ? "True" : "False"
        case .integer(let number)?: return String(number)
        case .double(let number)?: return String(number)
        case .array(let items)?: return "[" + items.map { csvCell($0) }.joined(separator: ", ") + "]"
        case .object?: return String(decoding: JSONWriter.encode(value!), as: UTF8.self)
        }
    }

    /// YAML keeping the config's key order; strings quoted so that none reads as a number.
    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: Node("null", Tag(.null))
        case .bool(let flag): Node(flag ? "true" : "false", Tag(.bool))
        case .integer(let number): Node(String(number), Tag(.int))
        case .double(let number): Node(String(number), Tag(.float))
        case .string(let text): Node(text, Tag(.str), .doubleQuoted)
        case .array(let items): Node(items.map(node))
        case .object(let object): Node(object.fields.map { (Node($0.key), node($0.value)) })
        }
    }
}

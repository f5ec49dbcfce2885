import DropFormats
import DropJSON
import Foundation

/// A first config guessed from a sample of predictions, for `openlayer-drop init`: the columns'
/// roles are read from their names and values, and every guess is said to be one.
public struct StarterConfig: Sendable {
    public var columns: [String]
    public var taskType: String
    public var features: [String]
    public var categorical: [String]
    public var predictions: String?
    public var scores: String?
    public var label: String?
    public var inferenceId: String?
    public var timestamp: String?
    public var classCount: Int
    /// Rows read to guess.
    public var sampledRows: Int

    /// What was seen of one column in the sample.
    struct ColumnSample {
        var values = 0
        var integers = 0
        var numbers = 0
        var lists = 0
        var listLength = 0
        var maximumInteger: Int64 = 0
        var distinct: Set<String> = []
        var looksLikeSeconds = 0
    }

    public static func guess(from path: String, sampleRows: Int = 1000) throws -> StarterConfig {
        guard let format = SourceFormat(fileName: path) else {
            throw EngineError.journal("\(path): expected a .csv, .jsonl or .ndjson file")
        }
        let reader = try SourceReader(
            path: path, format: format, decompression: Decompression(fileName: path, maxExpansionRatio: FileLimits().maxExpansionRatio))
        var columns = reader.header ?? []
        var samples: [String: ColumnSample] = [:]
        var rows = 0
        while rows < sampleRows, let record = try reader.next() {
            rows += 1
            var cells: [(String, JSONValue)] = []
            switch record {
            case .csv(_, let fields):
                cells = zip(columns, fields).map { ($0, Self.value(ofCell: $1)) }
            case .jsonl(_, let object):
                for field in object.fields where !columns.contains(field.key) { columns.append(field.key) }
                cells = object.fields.map { ($0.key, $0.value) }
            case .malformed, .csvWithInvalidUTF8:
                continue
            }
            for (name, value) in cells { samples[name, default: ColumnSample()].observe(value) }
        }
        return StarterConfig(columns: columns, samples: samples, rows: rows)
    }

    init(columns: [String], samples: [String: ColumnSample], rows: Int) {
        self.columns = columns
        sampledRows = rows
        func sample(_ name: String) -> ColumnSample { samples[name] ?? ColumnSample() }
        func named(_ candidates: [String]) -> String? {
            columns.first { candidates.contains($0.lowercased()) }
        }
        let allNumbers = { (name: String) in sample(name).values > 0 && sample(name).numbers == sample(name).values }
        let allIntegers = { (name: String) in sample(name).values > 0 && sample(name).integers == sample(name).values }
        scores = columns.first { sample($0).values > 0 && sample($0).lists == sample($0).values }
        predictions = named(["prediction", "predictions", "pred", "predicted", "predicted_class", "y_pred", "output"])
        label = named(["label", "labels", "target", "ground_truth", "groundtruth", "y", "y_true", "actual"])
        inferenceId = named(["inference_id", "inferenceid", "id", "uuid", "request_id", "prediction_id", "event_id"])
            ?? columns.first { $0.lowercased().hasSuffix("_id") && sample($0).distinct.count == sample($0).values && sample($0).values > 0 }
        timestamp = columns.first { name in
            let lowered = name.lowercased()
            return (lowered.contains("time") || lowered == "ts" || lowered.contains("date")) && sample(name).looksLikeSeconds == sample(name).values
                && sample(name).values > 0
        }
        let isClassification = predictions.map(allIntegers) ?? (scores != nil)
        taskType = isClassification ? "tabular-classification" : "tabular-regression"
        let roles = Set([predictions, scores, label, inferenceId, timestamp].compactMap { $0 })
        features = columns.filter { !roles.contains($0) }
        categorical = features.filter { !allNumbers($0) }
        let fromPredictions = predictions.map { Int(sample($0).maximumInteger) + 1 } ?? 0
        let fromLabels = label.map { Int(sample($0).maximumInteger) + 1 } ?? 0
        classCount = max(2, scores.map { sample($0).listLength } ?? 0, fromPredictions, fromLabels)
    }

    static func value(ofCell cell: String) -> JSONValue {
        if CSVCell.isMissing(cell) { return .null }
        switch CSVCell.number(cell) {
        case .integer(let integer)?: return .integer(integer)
        case .double(let double)?: return .double(double)
        case .infinite?, nil: break
        }
        if let flag = CSVCell.boolean(cell) { return .bool(flag) }
        if cell.hasPrefix("["), case .array(let items)? = try? JSONParser.parse(cell) { return .array(items) }
        return .string(cell)
    }

    /// The config as YAML with a comment on every guess.
    public func yaml(pipeline: String, project: String, sample: String) -> String {
        func list(_ names: [String]) -> String { "[" + names.map(Self.quoted).joined(separator: ", ") + "]" }
        var lines = [
            "# openlayer-drop config, guessed from \(sample) (\(sampledRows) rows read).",
            "# Lines marked 'guessed' come from column names and values: check them.",
            "# The API key never goes here: set OPENLAYER_API_KEY, or apiKeyFile: /path/to/key.",
            "",
            "directories:",
            "  root: /var/lib/openlayer-drop       # inbox/, archive/, rejected/, state/",
            "",
            "pipelines:",
            "  \(pipeline):                          # its inbox folder: inbox/\(pipeline)/",
            "    project: \(Self.quoted(project))",
            "    taskType: \(taskType)       # guessed",
            "    inferencePipeline: production",
            "    dataConfig:",
        ]
        if taskType == "tabular-classification" {
            lines.append("      classNames: \(list((0..<classCount).map { "class_\($0)" }))   # guessed count: name them, in index order")
        }
        lines.append("      featureNames: \(list(features))   # guessed: every other column")
        lines.append("      categoricalFeatureNames: \(list(categorical))   # guessed: the features that are not numbers")
        func role(_ key: String, _ column: String?, _ note: String) {
            if let column {
                lines.append("      \(key): \(Self.quoted(column))   # guessed")
            } else {
                lines.append("      # \(key): \(note)")
            }
        }
        role("predictionsColumnName", predictions, "the column of predicted class indexes (or values, for regression)")
        if taskType == "tabular-classification" { role("predictionScoresColumnName", scores, "the column of class probabilities, like [0.1, 0.9]") }
        role(taskType == "tabular-classification" ? "labelColumnName" : "targetColumnName", label, "the ground-truth column, if files carry it")
        role("inferenceIdColumnName", inferenceId, "none found: ids will be generated (name the column if there is one)")
        role("timestampColumnName", timestamp, "none found: the file's modification time will be used")
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ text: String) -> String {
        text.range(of: #"^[A-Za-z0-9_-]+$"#, options: .regularExpression) != nil ? text : "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension StarterConfig.ColumnSample {
    mutating func observe(_ value: JSONValue) {
        switch value {
        case .null: return
        case .integer(let number):
            integers += 1
            numbers += 1
            maximumInteger = max(maximumInteger, number)
            if (1_000_000_000..<10_000_000_000).contains(number) { looksLikeSeconds += 1 }
        case .double:
            numbers += 1
        case .array(let items):
            lists += 1
            listLength = max(listLength, items.count)
        default:
            break
        }
        values += 1
        if distinct.count < 10_000, case .string(let text) = value { distinct.insert(text) }
        if distinct.count < 10_000, case .integer(let number) = value { distinct.insert(String(number)) }
    }
}

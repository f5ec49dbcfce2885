import DropEngine
import DropFormats
import DropJSON
import Foundation

/// What each harness feeds one input to. Any input may be refused with an error; none may crash,
/// hang or take memory without bound: that is what the fuzzer looks for.
enum FuzzTarget: String, CaseIterable {
    /// The CSV reader, record by record, as text and as field bytes.
    case csv
    /// The JSONL reader, line by line, parsed.
    case jsonl
    /// The CSV reader of a `.csv.gz` file: the input is the compressed file (gunzip, the
    /// expansion limit, damage reported, never thrown).
    case csvgz
    /// The JSON parser on one document.
    case json
    /// The config loader on one YAML file.
    case config
    /// Arrow: rows written then read back, and the input read as a stream (`ArrowRoundTrip`).
    case arrow

    /// A file the readers open by path: they read files, not memory. One per process.
    private static let scratch = NSTemporaryDirectory() + "drop-fuzz-\(getpid())"

    func run(_ bytes: [UInt8]) {
        switch self {
        case .csv:
            let path = Self.write(bytes, as: "input.csv")
            guard let reader = try? CSVReader(path: path, maxRecordBytes: 1 << 20) else { return }
            while let line = try? reader.nextFields() {
                reader.withFields { fields in
                    _ = line
                    for index in 0..<fields.count { _ = fields.string(index) }
                }
            }
        case .csvgz:
            let path = Self.write(bytes, as: "input.csv.gz")
            guard let reader = try? CSVReader(path: path, maxRecordBytes: 1 << 20, decompression: .gzip(maxExpansionRatio: 200)) else { return }
            while let record = try? reader.next() { _ = record }
            _ = reader.damage
        case .jsonl:
            let path = Self.write(bytes, as: "input.jsonl")
            guard let reader = try? JSONLinesReader(path: path, maxLineBytes: 1 << 20) else { return }
            while let record = try? reader.next() { _ = record }
        case .json:
            if let value = try? JSONParser.parse(bytes) { _ = JSONWriter.encode(value) }
        case .config:
            _ = try? ConfigLoader.parse(
                yaml: String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml", relativeTo: Self.scratch,
                environment: ["OPENLAYER_API_KEY": "sk-fuzz"])
        case .arrow:
            try? FileManager.default.createDirectory(atPath: Self.scratch, withIntermediateDirectories: true)
            ArrowRoundTrip.run(bytes, scratch: Self.scratch + "/round-trip.arrow")
        }
    }

    private static func write(_ bytes: [UInt8], as name: String) -> String {
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let path = scratch + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// The target the environment names (`DROP_FUZZ_TARGET`), for the libFuzzer entry point.
    static var fromEnvironment: FuzzTarget? {
        ProcessInfo.processInfo.environment["DROP_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))
    }
}

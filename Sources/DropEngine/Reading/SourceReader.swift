import DropFormats

/// One record as read, before typing.
enum SourceRecord: Sendable {
    case csv(line: Int, fields: [String])
    case jsonl(line: Int, object: JSONObject)
    /// A JSONL line that is not a JSON object: a row of its own that can only be rejected.
    case malformed(FormatError, text: String)

    var line: Int {
        switch self {
        case .csv(let line, _), .jsonl(let line, _): line
        case .malformed(let error, _): error.line
        }
    }
}

/// Reads a file of either format as `SourceRecord`s, the CSV header apart.
final class SourceReader {
    private enum Reader {
        case csv(CSVReader)
        case jsonl(JSONLinesReader)
    }

    private let reader: Reader
    /// The CSV header row; nil for JSONL, whose columns are the keys of its objects.
    let header: [String]?
    let headerLine: Int
    /// Set when the header row itself cannot be read (a quote never closed).
    private(set) var headerError: FormatError?

    init(path: String, format: SourceFormat, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws {
        switch format {
        case .csv:
            let csv = try CSVReader(path: path, onBytes: onBytes)
            do {
                let first = try csv.next()
                header = first?.fields ?? []
                headerLine = first?.line ?? 1
            } catch let error as FormatError {
                header = []
                headerLine = error.line
                headerError = error
            }
            reader = .csv(csv)
        case .jsonl:
            reader = .jsonl(try JSONLinesReader(path: path, onBytes: onBytes))
            header = nil
            headerLine = 0
        }
    }

    func next() throws -> SourceRecord? {
        switch reader {
        case .csv(let csv):
            return try csv.next().map { .csv(line: $0.line, fields: $0.fields) }
        case .jsonl(let jsonl):
            guard let record = try jsonl.next() else { return nil }
            switch record.object {
            case .success(let object): return .jsonl(line: record.line, object: object)
            case .failure(let error): return .malformed(error, text: record.unparsedText ?? "")
            }
        }
    }
}

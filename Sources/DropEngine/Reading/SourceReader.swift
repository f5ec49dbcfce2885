import DropFormats
import DropJSON

/// One record as read, before typing.
enum SourceRecord: Sendable {
    case csv(line: Int, fields: [String])
    /// A CSV record with a field that is not valid UTF-8 (`field`, 0-based): a row that can only
    /// be rejected, never published with its bytes replaced. `fields` are the bytes as they are
    /// in the file, so that the rejected rows file holds the row unchanged.
    case csvWithInvalidUTF8(line: Int, fields: [[UInt8]], field: Int)
    case jsonl(line: Int, object: JSONObject)
    /// A JSONL line that is not a JSON object: a row of its own that can only be rejected.
    case malformed(FormatError, text: String)

    /// A CSV record's fields as text.
    init(line: Int, _ fields: CSVFields) {
        if let invalid = (0..<fields.count).first(where: { !CSVCellBytes.isValidUTF8(fields[$0]) }) {
            self = .csvWithInvalidUTF8(line: line, fields: (0..<fields.count).map { Array(fields[$0]) }, field: invalid)
        } else {
            self = .csv(line: line, fields: (0..<fields.count).map { fields.string($0) })
        }
    }

    var line: Int {
        switch self {
        case .csv(let line, _), .csvWithInvalidUTF8(let line, _, _), .jsonl(let line, _): line
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
    /// The CSV header row's column names as pandas names them (see `PandasColumnNames`); nil
    /// for JSONL, whose columns are the keys of its objects.
    let header: [String]?
    /// The header row names no column at all.
    let headerIsBlank: Bool
    let headerLine: Int
    /// Set when the header row itself cannot be read (a quote never closed).
    private(set) var headerError: FormatError?

    /// - Parameter maxLineBytes: a record or line longer than this ends the reading (a CSV
    ///   reader throws a `FormatError`; `jsonlTooLongLine` says where): the survey's limit.
    /// - Parameter decompression: `.gzip` for a `.gz` file, read through gunzip.
    convenience init(
        path: String, format: SourceFormat, decompression: Decompression = .none, maxLineBytes: Int = .max,
        onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws {
        try self.init(
            path: path, format: format, range: nil, continuing: nil, decompression: decompression, maxLineBytes: maxLineBytes, onBytes: onBytes)
    }

    /// Reads one segment of a surveyed file: its records are those a reader of the whole file
    /// gives there, with the same line numbers; the CSV header is the survey's.
    convenience init(
        segment: FileSegment, path: String, format: SourceFormat, header: [String], maxLineBytes: Int = .max,
        onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws {
        let continuing = segment.byteRange.lowerBound > 0 ? (firstLine: segment.firstLine, header: header) : nil
        try self.init(
            path: path, format: format, range: segment.byteRange, continuing: continuing, decompression: .none, maxLineBytes: maxLineBytes,
            onBytes: onBytes)
    }

    /// - Parameters:
    ///   - range: the bytes to read; nil for the whole file.
    ///   - continuing: for a range past the start of the file, the line it starts on and the
    ///     header read at the start; nil reads the header from the range's start.
    private init(
        path: String, format: SourceFormat, range: Range<Int64>?, continuing: (firstLine: Int, header: [String])?,
        decompression: Decompression, maxLineBytes: Int, onBytes: ((UnsafeRawBufferPointer) -> Void)?
    ) throws {
        switch format {
        case .csv:
            let csv = try range.map {
                try CSVReader(path: path, range: $0, firstLine: continuing?.firstLine ?? 1, maxRecordBytes: maxLineBytes, onBytes: onBytes)
            } ?? CSVReader(path: path, maxRecordBytes: maxLineBytes, decompression: decompression, onBytes: onBytes)
            reader = .csv(csv)
            if let continuing {
                header = continuing.header
                headerIsBlank = false
                headerLine = 1
                return
            }
            do {
                let first = try csv.next()
                let cells = first?.fields ?? []
                headerIsBlank = cells.isEmpty || cells == [""]
                header = headerIsBlank ? [] : PandasColumnNames.names(cells)
                headerLine = first?.line ?? 1
            } catch let error as FormatError {
                header = []
                headerIsBlank = false
                headerLine = error.line
                headerError = error
            }
        case .jsonl:
            reader = .jsonl(
                try range.map {
                    try JSONLinesReader(path: path, range: $0, firstLine: continuing?.firstLine ?? 1, maxLineBytes: maxLineBytes, onBytes: onBytes)
                } ?? JSONLinesReader(path: path, maxLineBytes: maxLineBytes, decompression: decompression, onBytes: onBytes))
            header = nil
            headerIsBlank = false
            headerLine = 0
        }
    }

    /// Why a gzip file's records ended before its bytes did: damaged data, or too large an expansion.
    var damage: String? {
        switch reader {
        case .csv(let csv): csv.damage
        case .jsonl(let jsonl): jsonl.damage
        }
    }

    /// CSV only: the physical line the next record would start on; at the end of what is read,
    /// one more than the line feeds read. 0 for JSONL.
    var nextLine: Int {
        if case .csv(let csv) = reader { csv.line } else { 0 }
    }

    /// Where the record or line read last starts in the file.
    var recordOffset: Int64 {
        switch reader {
        case .csv(let csv): csv.recordOffset
        case .jsonl(let jsonl): jsonl.lineOffset
        }
    }

    func next() throws -> SourceRecord? {
        switch reader {
        case .csv:
            guard let line = try nextCSVFields() else { return nil }
            return csvRecord(line: line)
        case .jsonl:
            guard try nextJSONLine() != nil else { return nil }
            return jsonlRecord()
        }
    }

    /// CSV only: reads the next record without making a `String` of any field (see
    /// `withCSVFields`). Returns its line, or nil at the end.
    func nextCSVFields() throws -> Int? {
        try csvReader?.nextRecordFields()
    }

    /// The JSONL line longer than the limit, where reading stopped; nil for CSV.
    var jsonlTooLongLine: Int? {
        guard case .jsonl(let jsonl) = reader else { return nil }
        return jsonl.tooLongLine
    }

    /// The CSV reader beneath, nil for JSONL. A loop over every record holds it: taken out of
    /// `reader` at every record, it was retained and released twice a record.
    var csvReader: CSVReader? {
        guard case .csv(let csv) = reader else { return nil }
        return csv
    }

    /// The fields of the record `nextCSVFields` read last.
    func withCSVFields<Result>(_ body: (CSVFields) throws -> Result) rethrows -> Result {
        guard case .csv(let csv) = reader else { preconditionFailure("withCSVFields on a JSONL file") }
        return try csv.withFields(body)
    }

    /// The record `nextCSVFields` read last, as text.
    func csvRecord(line: Int) -> SourceRecord {
        withCSVFields { SourceRecord(line: line, $0) }
    }

    /// JSONL only: finds the next line without parsing it (see `withJSONLine`). Returns its
    /// line number, or nil at the end.
    func nextJSONLine() throws -> Int? {
        guard case .jsonl(let jsonl) = reader else { return nil }
        return try jsonl.nextLine()
    }

    /// The bytes of the line `nextJSONLine` found.
    func withJSONLine<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        guard case .jsonl(let jsonl) = reader else { preconditionFailure("withJSONLine on a CSV file") }
        return try jsonl.withLine(body)
    }

    /// The line `nextJSONLine` found, parsed.
    func jsonlRecord() -> SourceRecord {
        guard case .jsonl(let jsonl) = reader else { preconditionFailure("jsonlRecord on a CSV file") }
        let record = jsonl.parsedLine()
        switch record.object {
        case .success(let object): return .jsonl(line: record.line, object: object)
        case .failure(let error): return .malformed(error, text: record.unparsedText ?? "")
        }
    }
}

/// The names `pandas.read_csv` gives a header's columns: an empty cell becomes `Unnamed: <i>`
/// (what `df.to_csv()` writes for the index), and a repeated name gets `.1`, `.2`… — so a file
/// has the columns the user's own tools show.
enum PandasColumnNames {
    static func names(_ header: [String]) -> [String] {
        var counts: [String: Int] = [:]
        return header.enumerated().map { index, cell in
            var name = cell.isEmpty ? "Unnamed: \(index)" : cell
            // pandas' dedup_names: "a", "a" → "a", "a.1"; a made name that is taken counts on.
            var count = counts[name, default: 0]
            while count > 0 {
                counts[name] = count + 1
                name = "\(name).\(count)"
                count = counts[name, default: 0]
            }
            counts[name] = count + 1
            return name
        }
    }
}

extension CSVReader {
    /// `nextFields`, passing over lines of nothing but spaces and tabs: pandas skips them, as it
    /// skips blank ones. Returns the record's line, its fields left in the reader.
    func nextRecordFields() throws -> Int? {
        while let line = try nextFields() {
            let blank = withFields { fields in
                fields.count == 1 && !fields[0].isEmpty && fields[0].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            }
            if !blank { return line }
        }
        return nil
    }
}

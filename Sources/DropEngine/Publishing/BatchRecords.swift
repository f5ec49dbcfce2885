import DropFormats
import DropJSON

/// The rows of one request as they were read, kept until its outcome is known: if the server
/// refuses the request, they go to the rejected rows file as the file spelled them.
///
/// CSV rows are kept as their fields' bytes, and JSONL lines the fast path took as their
/// bytes, one buffer for the whole batch, so that keeping a batch costs a copy of its bytes
/// rather than a `String` or `JSONValue` per value.
struct BatchRecords: Sendable {
    private enum JSONEntry {
        case record(SourceRecord)
        /// A line's number and where its bytes are in `jsonBytes`.
        case line(Int, Range<Int>)
    }

    private var jsonEntries: [JSONEntry] = []
    private var jsonBytes: [UInt8] = []
    private var csvBytes: [UInt8] = []
    /// Where each field starts and ends, counted from its row's first byte (`CSVFields.bounds`):
    /// a row's are then copied as the reader gives them, in one go.
    private var csvFieldBounds: [Int] = []
    /// Each CSV row's line, where its bytes start in `csvBytes`, and the end of its bounds in
    /// `csvFieldBounds`.
    private var csvRows: [(line: Int, bytesStart: Int, boundsEnd: Int)] = []

    var isEmpty: Bool { jsonEntries.isEmpty && csvRows.isEmpty }

    mutating func append(_ record: SourceRecord) {
        guard case .csv(let line, let fields) = record else {
            jsonEntries.append(.record(record))
            return
        }
        let base = csvBytes.count
        for field in fields {
            csvFieldBounds.append(csvBytes.count - base)
            csvBytes.append(contentsOf: field.utf8)
            csvFieldBounds.append(csvBytes.count - base)
        }
        csvRows.append((line, base, csvFieldBounds.count))
    }

    mutating func append(_ fields: CSVFields, line: Int) {
        let base = csvBytes.count
        csvBytes.append(contentsOf: fields.span)
        csvFieldBounds.append(contentsOf: fields.bounds)
        csvRows.append((line, base, csvFieldBounds.count))
    }

    /// A JSONL line the fast path took, as its bytes.
    mutating func append(jsonLine bytes: UnsafeRawBufferPointer, line: Int) {
        let start = jsonBytes.count
        jsonBytes.append(contentsOf: bytes)
        jsonEntries.append(.line(line, start..<jsonBytes.count))
    }

    /// The rows, in the order they were read, as text.
    var records: [SourceRecord] {
        if !jsonEntries.isEmpty {
            return jsonEntries.map { entry in
                switch entry {
                case .record(let record):
                    return record
                case .line(let line, let range):
                    // Parsed only when a batch is refused; the fast path took it, so it parses.
                    let text = Array(jsonBytes[range])
                    guard case .object(let object)? = try? JSONParser.parse(text, line: line) else {
                        return .malformed(FormatError(line: line, position: 1, message: "expected a JSON object"), text: String(decoding: text, as: UTF8.self))
                    }
                    return .jsonl(line: line, object: object)
                }
            }
        }
        var records: [SourceRecord] = []
        records.reserveCapacity(csvRows.count)
        var boundIndex = 0
        for row in csvRows {
            var fields: [String] = []
            while boundIndex < row.boundsEnd {
                let start = row.bytesStart + csvFieldBounds[boundIndex]
                let end = row.bytesStart + csvFieldBounds[boundIndex + 1]
                fields.append(String(decoding: csvBytes[start..<end], as: UTF8.self))
                boundIndex += 2
            }
            records.append(.csv(line: row.line, fields: fields))
        }
        return records
    }

    mutating func removeAll() {
        jsonEntries.removeAll(keepingCapacity: true)
        jsonBytes.removeAll(keepingCapacity: true)
        csvBytes.removeAll(keepingCapacity: true)
        csvFieldBounds.removeAll(keepingCapacity: true)
        csvRows.removeAll(keepingCapacity: true)
    }
}

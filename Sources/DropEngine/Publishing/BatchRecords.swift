import DropFormats

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
    /// Where each field ends, counted from its row's first byte: a row's ends are then copied
    /// as the reader gives them, in one go.
    private var csvFieldEnds: [Int] = []
    /// Each CSV row's line, where its bytes start in `csvBytes`, and the end of its fields in
    /// `csvFieldEnds`.
    private var csvRows: [(line: Int, bytesStart: Int, fieldsEnd: Int)] = []

    var isEmpty: Bool { jsonEntries.isEmpty && csvRows.isEmpty }

    mutating func append(_ record: SourceRecord) {
        guard case .csv(let line, let fields) = record else {
            jsonEntries.append(.record(record))
            return
        }
        let base = csvBytes.count
        for field in fields {
            csvBytes.append(contentsOf: field.utf8)
            csvFieldEnds.append(csvBytes.count - base)
        }
        csvRows.append((line, base, csvFieldEnds.count))
    }

    mutating func append(_ fields: CSVFields, line: Int) {
        let base = csvBytes.count
        csvBytes.append(contentsOf: fields.bytes)
        csvFieldEnds.append(contentsOf: fields.ends)
        csvRows.append((line, base, csvFieldEnds.count))
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
        var fieldIndex = 0
        for row in csvRows {
            var fields: [String] = []
            var start = row.bytesStart
            while fieldIndex < row.fieldsEnd {
                let end = row.bytesStart + csvFieldEnds[fieldIndex]
                fields.append(String(decoding: csvBytes[start..<end], as: UTF8.self))
                start = end
                fieldIndex += 1
            }
            records.append(.csv(line: row.line, fields: fields))
        }
        return records
    }

    mutating func removeAll() {
        jsonEntries.removeAll(keepingCapacity: true)
        jsonBytes.removeAll(keepingCapacity: true)
        csvBytes.removeAll(keepingCapacity: true)
        csvFieldEnds.removeAll(keepingCapacity: true)
        csvRows.removeAll(keepingCapacity: true)
    }
}

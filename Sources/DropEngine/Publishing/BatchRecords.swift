import DropFormats

/// The rows of one request as they were read, kept until its outcome is known: if the server
/// refuses the request, they go to the rejected rows file as the file spelled them.
///
/// CSV rows are kept as their fields' bytes, one buffer for the whole batch, so that keeping a
/// batch costs a copy of its bytes rather than a `String` per cell.
struct BatchRecords: Sendable {
    private var jsonRecords: [SourceRecord] = []
    private var csvBytes: [UInt8] = []
    private var csvFieldEnds: [Int] = []
    /// Each CSV row's line and the end of its fields in `csvFieldEnds`.
    private var csvRows: [(line: Int, fieldsEnd: Int)] = []

    var isEmpty: Bool { jsonRecords.isEmpty && csvRows.isEmpty }

    mutating func append(_ record: SourceRecord) {
        guard case .csv(let line, let fields) = record else {
            jsonRecords.append(record)
            return
        }
        for field in fields {
            csvBytes.append(contentsOf: field.utf8)
            csvFieldEnds.append(csvBytes.count)
        }
        csvRows.append((line, csvFieldEnds.count))
    }

    mutating func append(_ fields: CSVFields, line: Int) {
        let base = csvBytes.count
        csvBytes.append(contentsOf: fields.bytes)
        for end in fields.ends { csvFieldEnds.append(base + end) }
        csvRows.append((line, csvFieldEnds.count))
    }

    /// The rows, in the order they were read, as text.
    var records: [SourceRecord] {
        if !jsonRecords.isEmpty { return jsonRecords }
        var records: [SourceRecord] = []
        records.reserveCapacity(csvRows.count)
        var fieldIndex = 0
        for row in csvRows {
            var fields: [String] = []
            while fieldIndex < row.fieldsEnd {
                let start = fieldIndex == 0 ? 0 : csvFieldEnds[fieldIndex - 1]
                fields.append(String(decoding: csvBytes[start..<csvFieldEnds[fieldIndex]], as: UTF8.self))
                fieldIndex += 1
            }
            records.append(.csv(line: row.line, fields: fields))
        }
        return records
    }

    mutating func removeAll() {
        jsonRecords.removeAll(keepingCapacity: true)
        csvBytes.removeAll(keepingCapacity: true)
        csvFieldEnds.removeAll(keepingCapacity: true)
        csvRows.removeAll(keepingCapacity: true)
    }
}

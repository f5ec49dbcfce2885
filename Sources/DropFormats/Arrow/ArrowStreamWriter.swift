import DropJSON

/// Writes an Arrow IPC stream to a file, one record batch per `maxRowsPerBatch` rows (default
/// 16384, Openlayer's SDK value); memory bounded by one batch.
///
/// The file is what `pyarrow.ipc.RecordBatchStreamWriter` writes and `pyarrow.ipc.open_stream`
/// reads, because Openlayer's backend reads our bulk uploads with pyarrow: a Schema message,
/// RecordBatch messages, then the end-of-stream marker. Columns are built in Arrow's own layout
/// as rows arrive, so a batch is written with a handful of copies and no per-value encoding.
///
/// Not thread-safe: one producer appends rows, then calls `finish()`.
public final class ArrowStreamWriter {
    private let path: String
    private let maxRowsPerBatch: Int
    /// nil once finished, or once a write failed and left a file not worth finishing.
    private var output: ArrowFileOutput?
    private var columns: [ArrowColumnBuilder]
    private var rowsInBatch = 0
    private var rows = 0
    private var batches = 0

    /// Creates (or truncates) the file at `path` and writes the schema message. An empty schema
    /// throws `ArrowError.noColumns` before the file is touched: rows of nothing carry no data,
    /// and the reader refuses them.
    ///
    /// A writer that `continuesAnother` writes no schema: its record batches are one part of a
    /// stream that several writers make at once, each on its own thread, and that is read as
    /// the parts one after the other (the first with the schema, the last with the marker).
    public init(path: String, schema: [ArrowField], maxRowsPerBatch: Int = 16384, continuesAnother: Bool = false) throws {
        precondition(maxRowsPerBatch > 0, "a record batch holds at least one row")
        guard !schema.isEmpty else { throw ArrowError.noColumns(path: path) }
        self.path = path
        self.maxRowsPerBatch = maxRowsPerBatch
        self.columns = schema.map(ArrowColumnBuilder.init(field:))
        let output = try ArrowFileOutput(path: path)
        self.output = output
        if !continuesAnother {
            try write(.schema(schema.map(ArrowStoredField.init)), body: [], to: output)
        }
    }

    /// Appends one row, its values aligned with the schema. `.null` is a null (in a nullable
    /// column); int64 takes `.integer`; double takes `.double` or `.integer`; utf8 takes
    /// `.string`; bool takes `.bool`; list<double> takes `.array` of `.double`/`.integer`.
    /// Anything else throws `ArrowError.valueMismatch` naming the column and the value, and
    /// leaves the batch as it was. A full batch is written before this returns.
    public func append(_ row: [JSONValue]) throws {
        guard let output else { throw ArrowError.writerClosed(path: path) }
        guard row.count == columns.count else {
            throw ArrowError.rowWidth(expected: columns.count, actual: row.count)
        }
        var mustFlush = false
        for index in columns.indices {
            let extent = try columns[index].extent(of: row[index])
            guard extent <= Int(Int32.max) else { throw ArrowError.valueTooLarge(column: columns[index].field.name) }
            if !columns[index].hasRoom(for: extent) { mustFlush = true }
        }
        if mustFlush {
            try flush(to: output)  // a batch whose text would pass 2 GiB is cut early
        }
        for index in columns.indices {
            columns[index].append(row[index])
        }
        rowsInBatch += 1
        rows += 1
        if rowsInBatch == maxRowsPerBatch {
            try flush(to: output)
        }
    }

    /// One row's cells, appended in schema order by `appendRow`.
    public struct Row {
        fileprivate var columns: [ArrowColumnBuilder]
        fileprivate var index = 0

        public var fields: Int { columns.count }
        public func type(of column: Int) -> ArrowType { columns[column].field.type }

        public mutating func null() { columns[index].appendNull(); index += 1 }
        public mutating func int64(_ number: Int64) { columns[index].append(int64: number); index += 1 }
        public mutating func double(_ number: Double) { columns[index].append(double: number); index += 1 }
        public mutating func bool(_ flag: Bool) { columns[index].append(bool: flag); index += 1 }
        public mutating func utf8(_ bytes: UnsafeBufferPointer<UInt8>) { columns[index].append(utf8: bytes); index += 1 }
        public mutating func doubles(_ items: UnsafeBufferPointer<Double>) { columns[index].append(doubles: items); index += 1 }
    }

    /// Appends one row cell by cell, for a producer that has typed values and no `JSONValue`:
    /// `fill` appends exactly one cell per column, in schema order, each of its column's type
    /// (or null), having checked its values beforehand (it cannot fail halfway). `textBytes`
    /// bounds the bytes of text it may add, so that a batch whose text would pass 2 GiB is cut
    /// before the row, as `append(_:)` does.
    public func appendRow(textBytes: Int, _ fill: (inout Row) -> Void) throws {
        guard let output else { throw ArrowError.writerClosed(path: path) }
        guard textBytes <= Int(Int32.max) else { throw ArrowError.valueTooLarge(column: columns.first?.field.name ?? "") }
        if columns.contains(where: { !$0.hasRoom(for: textBytes) }) {
            try flush(to: output)
        }
        // The builders move into the row and back: no copy of their storage.
        var row = Row(columns: [])
        swap(&row.columns, &columns)
        fill(&row)
        let filled = row.index
        swap(&row.columns, &columns)
        precondition(filled == columns.count, "appendRow must fill every column")
        rowsInBatch += 1
        rows += 1
        if rowsInBatch == maxRowsPerBatch {
            try flush(to: output)
        }
    }

    /// Writes the last batch and the end-of-stream marker, fsyncs and closes the file. A stream
    /// of no rows is the schema and the marker alone, which pyarrow reads as an empty table.
    ///
    /// A part other than the last of a stream written in parts leaves the marker out
    /// (`endsStream: false`); a file that is written again from its source after a crash need
    /// not wait for the disk (`durable: false`).
    public func finish(endsStream: Bool = true, durable: Bool = true) throws -> ArrowStreamSummary {
        guard let output else { throw ArrowError.writerClosed(path: path) }
        self.output = nil
        if rowsInBatch > 0 {
            try flush(to: output)
        }
        if endsStream {
            try output.write(UInt32(0xFFFF_FFFF))
            try output.write(UInt32(0))
        }
        try output.finish(durable: durable)
        return ArrowStreamSummary(rows: rows, batches: batches, bytes: output.bytesWritten)
    }

    private func flush(to output: ArrowFileOutput) throws {
        var nodes: [ArrowRecordBatchHeader.Node] = []
        var buffers: [ArrowBodyBuffer] = []
        for column in columns {
            column.layout(nodes: &nodes, buffers: &buffers)
        }
        var spans: [ArrowRecordBatchHeader.Span] = []
        var offset = 0
        for buffer in buffers {
            spans.append(.init(offset: offset, length: buffer.byteCount))
            offset += (buffer.byteCount + 7) & ~7
        }
        let header = ArrowRecordBatchHeader(length: rowsInBatch, nodes: nodes, buffers: spans)
        try write(.recordBatch(header), body: buffers, to: output)
        buffers = []  // drop the shared array storage, so reset() reuses it without a copy
        for index in columns.indices {
            columns[index].reset()
        }
        rowsInBatch = 0
        batches += 1
    }

    /// One encapsulated message: continuation marker, metadata length, metadata (padded so the
    /// body starts 8-byte aligned), then each body buffer padded to 8 bytes.
    private func write(_ message: ArrowMessage, body: [ArrowBodyBuffer], to output: ArrowFileOutput) throws {
        let bodyLength = body.reduce(0) { $0 + (($1.byteCount + 7) & ~7) }
        let metadata = message.metadata(bodyLength: bodyLength)
        do {
            try output.write(UInt32(0xFFFF_FFFF))
            try output.write(Int32(metadata.count))
            try metadata.withUnsafeBytes { try output.write($0) }
            for buffer in body {
                try buffer.write(to: output)
                try output.padToEight()
            }
        } catch {
            self.output = nil  // a half-written message: nothing after it could be read
            throw error
        }
    }
}

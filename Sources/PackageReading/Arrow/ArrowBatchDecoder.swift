import DropFormats
import DropJSON

/// Turns the body of one record batch back into rows of `JSONValue`s, checking every offset and
/// length against the body first: the sandbox server reads whatever a client uploads, and a
/// bad file must be an error, not a crash. Nodes and buffers are consumed depth-first, in the
/// order the writer (ours or pyarrow's) laid them out.
struct ArrowBatchDecoder {
    private let body: UnsafeRawBufferPointer
    private let header: ArrowRecordBatchHeader
    private var nextNode = 0
    private var nextBuffer = 0

    static func rows(
        of header: ArrowRecordBatchHeader, schema: [ArrowStoredField], body: UnsafeRawBufferPointer
    ) throws(ArrowDecodingProblem) -> [[JSONValue]] {
        // Every column type needs at least a bit per row, so this bounds the rows a small,
        // corrupt file can make us allocate.
        guard header.length <= 8 * body.count else {
            throw .malformed("a record batch of \(header.length) rows cannot fit in its \(body.count)-byte body")
        }
        var decoder = ArrowBatchDecoder(body: body, header: header)
        var columns: [[JSONValue]] = []
        for field in schema {
            columns.append(try decoder.column(field))
        }
        guard decoder.nextNode == header.nodes.count, decoder.nextBuffer == header.buffers.count else {
            let counts = "\(header.nodes.count) field nodes and \(header.buffers.count) buffers"
            throw .malformed("the record batch has \(counts), more than its schema uses")
        }
        return (0..<header.length).map { row in columns.map { $0[row] } }
    }

    private init(body: UnsafeRawBufferPointer, header: ArrowRecordBatchHeader) {
        self.body = body
        self.header = header
    }

    /// One column's values, widened to what its `ArrowType` reports: narrower integers to
    /// `.integer`, float32 to `.double`; 64-bit offsets address the same values as 32-bit ones.
    private mutating func column(_ stored: ArrowStoredField) throws(ArrowDecodingProblem) -> [JSONValue] {
        let name = stored.field.name
        let node = try takeNode()
        let count = node.length
        guard count == header.length else {
            throw .malformed("column \"\(name)\" has \(count) values in a batch of \(header.length) rows")
        }
        let nulls = try validity(of: node, field: name)
        var values: [JSONValue] = []
        values.reserveCapacity(count)
        switch stored.storage {
        case .integer(let bytes, let signed):
            let data = try takeBuffer(holding: bytes * count, of: name)
            for row in 0..<count {
                values.append(isNull(row, nulls) ? .null : .integer(Self.integer(at: row, bytes: bytes, signed: signed, in: data)))
            }
        case .floatingPoint(let bytes):
            let data = try takeBuffer(holding: bytes * count, of: name)
            for row in 0..<count {
                values.append(isNull(row, nulls) ? .null : .double(Self.floatingPoint(at: row, bytes: bytes, in: data)))
            }
        case .bool:
            let data = try takeBuffer(holding: (count + 7) / 8, of: name)
            for row in 0..<count {
                values.append(isNull(row, nulls) ? .null : .bool(ArrowBitmap.bit(row, in: data)))
            }
        case .utf8(let offsetBytes):
            let offsets = try takeBuffer(holding: count == 0 ? 0 : offsetBytes * (count + 1), of: name)
            let data = try takeBuffer(holding: 0, of: name)
            for row in 0..<count {
                let range = try Self.range(row, offsets: offsets, offsetBytes: offsetBytes, limit: data.count, field: name)
                if isNull(row, nulls) {
                    values.append(.null)
                } else if let text = String(validating: UnsafeRawBufferPointer(rebasing: data[range]), as: UTF8.self) {
                    values.append(.string(text))
                } else {
                    throw .malformed("column \"\(name)\" row \(row) is not valid UTF-8")
                }
            }
        case .listOfDouble(let offsetBytes):
            let offsets = try takeBuffer(holding: count == 0 ? 0 : offsetBytes * (count + 1), of: name)
            let child = try takeNode()
            let childNulls = try validity(of: child, field: name + ".item")
            let data = try takeBuffer(holding: 8 * child.length, of: name + ".item")
            for row in 0..<count {
                let range = try Self.range(row, offsets: offsets, offsetBytes: offsetBytes, limit: child.length, field: name)
                if isNull(row, nulls) {
                    values.append(.null)
                } else {
                    values.append(.array(range.map { isNull($0, childNulls) ? .null : .double(Self.floatingPoint(at: $0, bytes: 8, in: data)) }))
                }
            }
        }
        return values
    }

    /// The validity bitmap, or nil when the node has no null (pyarrow then writes none).
    private mutating func validity(
        of node: ArrowRecordBatchHeader.Node, field: String
    ) throws(ArrowDecodingProblem) -> UnsafeRawBufferPointer? {
        let bitmap = try takeBuffer(holding: 0, of: field)
        guard node.nullCount > 0 else { return nil }
        guard bitmap.count >= (node.length + 7) / 8 else {
            throw .malformed("column \"\(field)\" has \(node.nullCount) nulls but a validity bitmap of \(bitmap.count) bytes")
        }
        return bitmap
    }

    private func isNull(_ index: Int, _ nulls: UnsafeRawBufferPointer?) -> Bool {
        guard let nulls else { return false }
        return !ArrowBitmap.bit(index, in: nulls)
    }

    private mutating func takeNode() throws(ArrowDecodingProblem) -> ArrowRecordBatchHeader.Node {
        guard nextNode < header.nodes.count else {
            throw .malformed("the record batch has \(header.nodes.count) field nodes, fewer than its schema needs")
        }
        defer { nextNode += 1 }
        return header.nodes[nextNode]
    }

    private mutating func takeBuffer(holding minimum: Int, of field: String) throws(ArrowDecodingProblem) -> UnsafeRawBufferPointer {
        guard nextBuffer < header.buffers.count else {
            throw .malformed("the record batch has \(header.buffers.count) buffers, fewer than its schema needs")
        }
        let span = header.buffers[nextBuffer]
        nextBuffer += 1
        guard span.offset <= body.count, span.length <= body.count - span.offset else {
            throw .malformed("buffer \(nextBuffer - 1) (\(span.length) bytes at \(span.offset)) lies outside the \(body.count)-byte body")
        }
        guard span.length >= minimum else {
            throw .malformed("column \"\(field)\" needs \(minimum) bytes in buffer \(nextBuffer - 1) but has \(span.length)")
        }
        return UnsafeRawBufferPointer(rebasing: body[span.offset..<(span.offset + span.length)])
    }

    /// Values `offsets[row]..<offsets[row + 1]`, offsets of 4 or 8 bytes, checked to lie in
    /// `0...limit`.
    private static func range(
        _ row: Int, offsets: UnsafeRawBufferPointer, offsetBytes: Int, limit: Int, field: String
    ) throws(ArrowDecodingProblem) -> Range<Int> {
        let start = integer(at: row, bytes: offsetBytes, signed: true, in: offsets)
        let end = integer(at: row + 1, bytes: offsetBytes, signed: true, in: offsets)
        guard start >= 0, start <= end, end <= limit else {
            throw .malformed("column \"\(field)\" row \(row) has offsets \(start)..<\(end) outside 0..<\(limit)")
        }
        return Int(start)..<Int(end)
    }

    /// Value `index` of a buffer of little-endian integers `bytes` wide; the caller has checked
    /// the bounds and that an unsigned width is below 8, so every value fits.
    private static func integer(at index: Int, bytes: Int, signed: Bool, in data: UnsafeRawBufferPointer) -> Int64 {
        let at = bytes * index
        switch (bytes, signed) {
        case (1, true): return Int64(data.loadUnaligned(fromByteOffset: at, as: Int8.self))
        case (1, false): return Int64(data.loadUnaligned(fromByteOffset: at, as: UInt8.self))
        case (2, true): return Int64(Int16(littleEndian: data.loadUnaligned(fromByteOffset: at, as: Int16.self)))
        case (2, false): return Int64(UInt16(littleEndian: data.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        case (4, true): return Int64(Int32(littleEndian: data.loadUnaligned(fromByteOffset: at, as: Int32.self)))
        case (4, false): return Int64(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        default: return Int64(littleEndian: data.loadUnaligned(fromByteOffset: at, as: Int64.self))
        }
    }

    /// Value `index` of a buffer of little-endian IEEE 754 floats, 4 or 8 bytes wide; a float32
    /// widens to the double of the same value.
    private static func floatingPoint(at index: Int, bytes: Int, in data: UnsafeRawBufferPointer) -> Double {
        if bytes == 4 {
            return Double(Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))))
        }
        return Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)))
    }
}

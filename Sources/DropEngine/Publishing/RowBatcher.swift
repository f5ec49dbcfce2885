#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DropJSON
import OpenlayerAPI

/// Cuts a stream of rows into request bodies of at most `maxRows` rows and at most `maxBytes`
/// bytes, whichever comes first.
///
/// A row is encoded straight into the body being filled (`body`, between `beginRow` and
/// `endRow`), so its bytes are written once; when it turns out not to fit, it is moved to the
/// start of the next body, once a batch. A single row larger than `maxBytes` travels alone
/// rather than being dropped: the server decides, and its answer is handled like any other.
struct RowBatcher {
    let maxRows: Int
    let maxBytes: Int
    private let opening: [UInt8]
    /// The opening and the rows so far, each after a comma but the first: the row being
    /// written goes at the end.
    var body: JSONRowBytes
    private var rowCount = 0

    /// Where a row begins in `body`, its comma included: what `cancelRow` goes back to.
    struct RowStart {
        fileprivate let offset: Int
    }

    init(config: JSONObject, maxRows: Int, maxBytes: Int) {
        self.maxRows = maxRows
        self.maxBytes = maxBytes
        opening = DataStreamBatch.opening(config: config)
        body = JSONRowBytes(capacity: 64 * 1024)
        body.append(contentsOf: opening)
    }

    /// Starts a row: write it at the end of `body`, then call `endRow` or `cancelRow`.
    mutating func beginRow() -> RowStart {
        let start = RowStart(offset: body.count)
        if rowCount > 0 { body.append(UInt8(ascii: ",")) }
        return start
    }

    /// Forgets the row begun at `start`: it is not sent.
    mutating func cancelRow(_ start: RowStart) {
        body.truncate(to: start.offset)
    }

    /// Ends the row begun at `start`. Returns the batch that had to be closed to make room for
    /// it, if any; the row then starts the next one.
    mutating func endRow(_ start: RowStart) -> DataStreamBatch? {
        guard rowCount > 0, rowCount >= maxRows || body.count + DataStreamBatch.closingByteCount > maxBytes else {
            rowCount += 1
            return nil
        }
        let closed = body.withBytes { bytes in
            DataStreamBatch(openingAndRows: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<start.offset])), rowCount: rowCount)
        }
        let rowOffset = start.offset + 1  // after its comma
        let rowLength = body.count - rowOffset
        body.withMutableBase { base in
            _ = memmove(base + opening.count, base + rowOffset, rowLength)
        }
        body.truncate(to: opening.count + rowLength)
        rowCount = 1
        return closed
    }

    /// Adds a row already encoded. Returns the batch that had to be closed to make room for it,
    /// if any.
    mutating func add(encodedRow: UnsafeBufferPointer<UInt8>) -> DataStreamBatch? {
        let start = beginRow()
        body.append(contentsOf: encodedRow)
        return endRow(start)
    }

    mutating func add(encodedRow: [UInt8]) -> DataStreamBatch? {
        encodedRow.withUnsafeBufferPointer { add(encodedRow: $0) }
    }

    /// The last, partly filled batch, if it holds any row.
    mutating func finish() -> DataStreamBatch? {
        guard rowCount > 0 else { return nil }
        let closed = body.withBytes { DataStreamBatch(openingAndRows: UnsafeRawBufferPointer($0), rowCount: rowCount) }
        body.truncate(to: opening.count)
        rowCount = 0
        return closed
    }
}

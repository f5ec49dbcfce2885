import DropFormats
import OpenlayerAPI

/// Cuts a stream of encoded rows into request bodies of at most `maxRows` rows and at most
/// `maxBytes` bytes, whichever comes first.
///
/// A single row larger than `maxBytes` travels alone rather than being dropped: the server
/// decides, and its answer is handled like any other.
public struct RowBatcher: Sendable {
    public let maxRows: Int
    public let maxBytes: Int
    private let config: JSONObject
    private var current: DataStreamBatch

    public init(config: JSONObject, maxRows: Int, maxBytes: Int) {
        self.config = config
        self.maxRows = maxRows
        self.maxBytes = maxBytes
        current = DataStreamBatch(config: config)
    }

    /// Adds a row. Returns the batch that had to be closed to make room for it, if any.
    public mutating func add(encodedRow: [UInt8]) -> DataStreamBatch? {
        encodedRow.withUnsafeBufferPointer { add(encodedRow: $0) }
    }

    /// Adds a row. Returns the batch that had to be closed to make room for it, if any.
    public mutating func add(encodedRow: UnsafeBufferPointer<UInt8>) -> DataStreamBatch? {
        var closed: DataStreamBatch?
        if current.rowCount > 0,
            current.rowCount >= maxRows || current.byteCount(addingRowOf: encodedRow.count) > maxBytes
        {
            closed = current
            // The next body is likely the size of this one: reserved at once, it never grows by copies.
            current = DataStreamBatch(config: config, reservingCapacity: min(maxBytes, current.byteCount + current.byteCount / 8))
        }
        current.append(encodedRow: encodedRow)
        return closed
    }

    /// The last, partly filled batch, if it holds any row.
    public mutating func finish() -> DataStreamBatch? {
        guard current.rowCount > 0 else { return nil }
        defer { current = DataStreamBatch(config: config) }
        return current
    }
}

/// What `ArrowStreamWriter.finish()` wrote, so the caller can log and check it against the
/// rows it meant to send without reading the file again.
public struct ArrowStreamSummary: Sendable, Equatable {
    /// Rows appended, over all record batches.
    public var rows: Int
    /// Record batch messages written; 0 for a stream of no rows (schema and end marker only).
    public var batches: Int
    /// The size of the file: every message, its padding and the end-of-stream marker.
    public var bytes: Int

    public init(rows: Int, batches: Int, bytes: Int) {
        self.rows = rows
        self.batches = batches
        self.bytes = bytes
    }
}

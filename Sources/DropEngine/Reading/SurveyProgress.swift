import Synchronization

/// How far the survey of one file has read, for a progress display (`openlayer-drop upload`):
/// the survey's threads add as they read — bytes per chunk, rows per thousand and twenty-four —
/// and another thread reads. Counted on the survey's own reads, so nothing is read for it.
public final class SurveyProgress: Sendable {
    private let bytesRead = Atomic<Int64>(0)
    private let rowsRead = Atomic<Int64>(0)

    /// Rows are added this many at a time: a check per row, an atomic add per block.
    static let rowBlock = 1024

    public init() {}

    /// Bytes of the file read so far (of a `.gz` file, compressed bytes).
    public var bytes: Int64 { bytesRead.load(ordering: .relaxed) }
    /// Rows read so far, to the last `rowBlock`.
    public var rows: Int64 { rowsRead.load(ordering: .relaxed) }

    func add(bytes: Int) { bytesRead.add(Int64(bytes), ordering: .relaxed) }

    /// Called with each row's ordinal within a pass; adds a block when one is complete.
    @inline(__always)
    func noteRow(_ ordinal: Int) {
        if ordinal % Self.rowBlock == 0 { rowsRead.add(Int64(Self.rowBlock), ordering: .relaxed) }
    }

    /// A pass that starts over (the second read of a file whose ids repeat) counts from zero.
    func restart() {
        bytesRead.store(0, ordering: .relaxed)
        rowsRead.store(0, ordering: .relaxed)
    }
}

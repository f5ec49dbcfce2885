/// Finds a row whose inference id an earlier row of the same file already gave, in memory that
/// does not grow with the file.
///
/// Openlayer does not de-duplicate rows by id, so a repeated id is a row published twice, or
/// two predictions a later ground truth cannot tell apart. The survey's pass collects each id
/// as a 64-bit FNV-1a hash beside its line (`RepeatedIdFinder`, which spills to disk past a few
/// megabytes) and learns at its end which lines repeat an earlier one; when some do, the survey
/// reads the file again knowing them, and so do all later passes (`RepeatedIds`). Only the
/// repeated lines stay in memory. The price of hashing is a false alarm when two different ids
/// share a hash: with n ids, about n²/2⁶⁵ — one in 370,000 for ten million rows. FNV-1a, not
/// `Hasher`, because `Hasher` is seeded per process: the survey and the publishing pass, maybe
/// after a restart, must reach the same verdict.
///
/// Only ids the file gives count (generated ids are unique by construction), only of rows
/// that are otherwise valid (a ragged row's "id" may be any field), and not in reference
/// datasets, which nothing matches by id. Every pass over a file uses one tracker the same
/// way, through `RowTyper.type(_:ids:issues:)`, so each sets aside the same rows.
struct DuplicateIdTracker {
    let column: String
    let isActive: Bool
    private let mode: Mode

    private enum Mode {
        /// The survey's first pass: every id is taken and collected; none is known repeated yet.
        case collecting(RepeatedIdFinder)
        /// Every later pass: the lines that repeat an earlier id are known.
        case known(RepeatedIds)
    }

    /// A tracker for a first pass, collecting ids in `finder`.
    init(plan: ColumnPlan, collectingIn finder: RepeatedIdFinder) {
        column = plan.inferenceIdColumn
        isActive = plan.purpose != .reference
        mode = .collecting(finder)
    }

    /// A tracker for a pass after the survey, which found `repeated`.
    init(plan: ColumnPlan, repeated: RepeatedIds) {
        column = plan.inferenceIdColumn
        isActive = plan.purpose != .reference
        mode = .known(repeated)
    }

    /// The line of the earlier row that gave `id`; nil when none did (as far as this pass
    /// knows), and `id` is taken as given on `line`.
    mutating func earlierLine(of id: String, line: Int) -> Int? {
        guard isActive else { return nil }
        switch mode {
        case .collecting(let finder):
            finder.collect(hash: Self.hash(id.utf8), line: line)
            return nil
        case .known(let repeated):
            return repeated.earlierLine(of: line)
        }
    }

    /// Takes an id of this hash as given on `line`, unless an earlier row gave it: then returns
    /// false, leaving the row to `earlierLine(of:line:)`, which reports it. For paths that must
    /// not touch a row they end up giving away.
    mutating func admit(hash key: UInt64, line: Int) -> Bool {
        guard isActive else { return true }
        switch mode {
        case .collecting(let finder):
            finder.collect(hash: key, line: line)
            return true
        case .known(let repeated):
            return repeated.earlierLine(of: line) == nil
        }
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: stable across processes and platforms.
    static func hash(_ utf8: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// The lines of a file whose inference id an earlier line gave, each with that earlier line:
/// what the survey found, handed to every later pass. Empty in the usual file.
public struct RepeatedIds: Sendable, Equatable {
    private var earlier: [Int: Int] = [:]

    public init() {}

    init(_ earlier: [Int: Int]) {
        self.earlier = earlier
    }

    public var isEmpty: Bool { earlier.isEmpty }
    public var count: Int { earlier.count }

    func earlierLine(of line: Int) -> Int? {
        earlier[line]
    }
}

/// Finds a row whose inference id an earlier row of the same file already gave, without
/// holding the ids themselves.
///
/// Openlayer does not de-duplicate rows by id, so a repeated id is a row published twice, or
/// two predictions a later ground truth cannot tell apart. Each id is kept as a 64-bit FNV-1a
/// hash beside the line that gave it (`[UInt64: UInt32]`, about 16 bytes a row), so a file of
/// ten million rows costs some 160 MB at most rather than every id string. The price is a
/// false alarm when two different ids share a hash: with n ids, about n²/2⁶⁵ — one in 370,000
/// for ten million rows. FNV-1a, not `Hasher`, because `Hasher` is seeded per process: the
/// survey and the publishing pass, maybe after a restart, must reach the same verdict.
///
/// Only ids the file gives count (generated ids are unique by construction), only of rows
/// that are otherwise valid (a ragged row's "id" may be any field), and not in reference
/// datasets, which nothing matches by id. Every pass over a file uses one tracker the same
/// way, through `RowTyper.type(_:ids:issues:)`, so each sets aside the same rows.
struct DuplicateIdTracker {
    let column: String
    let isActive: Bool
    private var seen: [UInt64: UInt32] = [:]

    init(plan: ColumnPlan) {
        column = plan.inferenceIdColumn
        isActive = plan.purpose != .reference
    }

    /// The line of the earlier row that gave `id`; nil when none did, and `id` is remembered
    /// as given on `line`.
    mutating func earlierLine(of id: String, line: Int) -> Int? {
        guard isActive else { return nil }
        let key = Self.hash(id.utf8)
        if let earlier = seen[key] { return Int(earlier) }
        seen[key] = UInt32(clamping: line)
        return nil
    }

    /// Remembers an id of this hash as given on `line`, unless an earlier row gave it: then
    /// returns false and remembers nothing, leaving the row to `earlierLine(of:line:)`, which
    /// reports it. For paths that must not touch a row they end up giving away.
    mutating func admit(hash key: UInt64, line: Int) -> Bool {
        guard isActive else { return true }
        if seen[key] != nil { return false }
        seen[key] = UInt32(clamping: line)
        return true
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

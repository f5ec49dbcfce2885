import Testing

@testable import DropEngine

@Suite("A column's one type")
struct ColumnTypeTests {
    static func stats(_ seen: ColumnStats.Seen) -> ColumnStats {
        var stats = ColumnStats()
        stats.seen = seen
        return stats
    }

    @Test("A column the config does not name takes the type pandas gives it", arguments: zip(
        [ColumnStats.Seen(), .integer, [.integer, .double], .double, .bool, [.bool, .integer], [.integer, .string], .numberList, .other],
        [ColumnType.eachCellAlone, .integer, .double, .double, .boolean, .text, .text, .numberList, .text]))
    func inferred(seen: ColumnStats.Seen, expected: ColumnType) {
        #expect(ColumnType(kind: .inferred, stats: Self.stats(seen)) == expected)
    }

    @Test("A number column keeps its integers only while no value has a fraction; the Arrow schema follows")
    func numbers() {
        let integers = ColumnType(kind: .number, stats: Self.stats(.integer))
        let mixed = ColumnType(kind: .number, stats: Self.stats([.integer, .double]))
        #expect(integers.keepsIntegers && !mixed.keepsIntegers)
        #expect(ArrowSchemaPlan.arrowType(integers) == .int64 && ArrowSchemaPlan.arrowType(mixed) == .double)
        #expect(ArrowSchemaPlan.arrowType(ColumnType(kind: .inferred, stats: ColumnStats())) == .utf8)
    }
}

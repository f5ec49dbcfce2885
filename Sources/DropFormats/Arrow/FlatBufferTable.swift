/// A FlatBuffers table to be serialized, described by value: its fields by vtable slot, in the
/// order the `.fbs` schema declares them (`nil` leaves a slot absent, so it reads as its default).
///
/// Arrow's metadata is a handful of small tables per message, so describing the tree and then
/// laying it out in one pass (`FlatBufferSerializer`) is simpler to get right than the
/// back-to-front builder of the FlatBuffers library, and costs nothing that matters.
struct FlatBufferTable {
    indirect enum Field {
        /// `bool`, `byte`, `ubyte` and enums declared with those types.
        case uint8(UInt8)
        /// `short` and enums declared `: short`.
        case int16(Int16)
        case int32(Int32)
        case int64(Int64)
        case table(FlatBufferTable)
        case string(String)
        case tables([FlatBufferTable])
        /// A vector of structs of two `long`s each: Arrow's `FieldNode` and `Buffer`.
        case int64Pairs([(Int64, Int64)])

        /// Bytes the field takes inside its table; references are 32-bit offsets.
        var inlineSize: Int {
            switch self {
            case .uint8: 1
            case .int16: 2
            case .int32: 4
            case .int64: 8
            case .table, .string, .tables, .int64Pairs: 4
            }
        }
    }

    var slots: [Field?]

    init(_ slots: [Field?]) {
        self.slots = slots
    }
}

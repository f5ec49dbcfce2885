/// Translates `[ArrowField]` to, and `[ArrowStoredField]` from, the `Schema` table of Arrow's
/// Schema.fbs: we write one storage per type, but read the others pyarrow uses for the same
/// values. Slot numbers and union ids are those of the `.fbs` files (format version 1.x,
/// MetadataVersion V5); they are fixed forever by Arrow's compatibility rules, so they are
/// written here as constants, package-visible for the decoding in PackageReading.
package enum ArrowSchemaCoding {
    // `union Type` in Schema.fbs: the ids of the types written or read.
    package static let intType: UInt8 = 2
    package static let floatingPointType: UInt8 = 3
    package static let utf8Type: UInt8 = 5
    package static let boolType: UInt8 = 6
    package static let listType: UInt8 = 12
    package static let largeUtf8Type: UInt8 = 20
    package static let largeListType: UInt8 = 21
    /// `enum Precision : short { HALF, SINGLE, DOUBLE }`
    package static let singlePrecision: Int16 = 1
    package static let doublePrecision: Int16 = 2

    /// `table Schema { endianness; fields: [Field]; custom_metadata; features }`
    static func schemaTable(_ fields: [ArrowField]) -> FlatBufferTable {
        FlatBufferTable([.int16(0), .tables(fields.map(fieldTable))])  // endianness Little
    }

    /// `table Field { name; nullable; type_type; type; dictionary; children: [Field]; custom_metadata }`.
    /// Arrow's C++ reader rejects a field without `type` or `children`, so both are always
    /// written, as empty table and empty vector where there is nothing to say.
    private static func fieldTable(_ field: ArrowField) -> FlatBufferTable {
        let item = FlatBufferTable([
            .string("item"), .uint8(1), .uint8(floatingPointType), .table(FlatBufferTable([.int16(doublePrecision)])),
            nil, .tables([]),
        ])
        let (typeID, typeTable, children): (UInt8, FlatBufferTable, [FlatBufferTable]) =
            switch field.type {
            case .int64: (intType, FlatBufferTable([.int32(64), .uint8(1)]), [])  // bitWidth, is_signed
            case .double: (floatingPointType, FlatBufferTable([.int16(doublePrecision)]), [])
            case .utf8: (utf8Type, FlatBufferTable([]), [])
            case .bool: (boolType, FlatBufferTable([]), [])
            case .listOfDouble: (listType, FlatBufferTable([]), [item])
            }
        return FlatBufferTable([
            .string(field.name), .uint8(field.nullable ? 1 : 0), .uint8(typeID), .table(typeTable), nil, .tables(children),
        ])
    }
}

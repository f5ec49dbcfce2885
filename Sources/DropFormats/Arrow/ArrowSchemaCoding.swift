/// Translates `[ArrowField]` to and from the `Schema` table of Arrow's Schema.fbs. Slot numbers
/// and union ids are those of the `.fbs` files (format version 1.x, MetadataVersion V5); they
/// are fixed forever by Arrow's compatibility rules, so they are written here as constants.
enum ArrowSchemaCoding {
    // `union Type` in Schema.fbs, by id; the names are for error messages.
    private static let typeNames = [
        "NONE", "Null", "Int", "FloatingPoint", "Binary", "Utf8", "Bool", "Decimal", "Date", "Time",
        "Timestamp", "Interval", "List", "Struct", "Union", "FixedSizeBinary", "FixedSizeList", "Map",
        "Duration", "LargeBinary", "LargeUtf8 (large_string)", "LargeList", "RunEndEncoded", "BinaryView",
        "Utf8View", "ListView", "LargeListView",
    ]
    private static let intType: UInt8 = 2
    private static let floatingPointType: UInt8 = 3
    private static let utf8Type: UInt8 = 5
    private static let boolType: UInt8 = 6
    private static let listType: UInt8 = 12
    /// `enum Precision : short { HALF, SINGLE, DOUBLE }`
    private static let doublePrecision: Int16 = 2

    /// `table Schema { endianness; fields: [Field]; custom_metadata; features }`
    static func schemaTable(_ fields: [ArrowField]) -> FlatBufferTable {
        FlatBufferTable([.int16(0), .tables(fields.map(fieldTable))])  // endianness Little
    }

    static func fields(of schema: FlatBufferReader) throws(ArrowDecodingProblem) -> [ArrowField] {
        guard try schema.scalar(0, default: Int16(0)) == 0 else {
            throw .unsupported("the stream is big-endian")
        }
        var fields: [ArrowField] = []
        for field in try schema.tables(1) ?? [] {
            fields.append(try decodeField(field))
        }
        return fields
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

    private static func decodeField(_ field: FlatBufferReader) throws(ArrowDecodingProblem) -> ArrowField {
        let name = try field.string(0) ?? ""
        guard try field.table(4) == nil else {
            throw .unsupported("column \"\(name)\" is dictionary-encoded")
        }
        let children = try field.tables(5) ?? []
        let itemType = try children.count == 1 ? describe(children[0]) : "\(children.count) children"
        let type: ArrowType
        switch try describe(field) {
        case "Int(64, signed)": type = .int64
        case "FloatingPoint(double)": type = .double
        case "Utf8": type = .utf8
        case "Bool": type = .bool
        case "List" where itemType == "FloatingPoint(double)": type = .listOfDouble
        case "List":
            throw .unsupported("column \"\(name)\" has type List<\(itemType)>; only List<FloatingPoint(double)> is read")
        case let other:
            throw .unsupported("column \"\(name)\" has type \(other); only int64, double, utf8, bool and list<double> are read")
        }
        return ArrowField(name: name, type: type, nullable: try field.bool(1))
    }

    /// The field's type as a short text, e.g. "Int(32, signed)": what decides support, and
    /// what an error message shows.
    private static func describe(_ field: FlatBufferReader) throws(ArrowDecodingProblem) -> String {
        let id = try field.scalar(2, default: UInt8(0))
        let name = Int(id) < typeNames.count ? typeNames[Int(id)] : "unknown type \(id)"
        guard let parameters = try field.table(3) else {
            throw .malformed("a field of type \(name) has no type table")
        }
        switch id {
        case intType:
            let width = try parameters.scalar(0, default: Int32(0))
            return "Int(\(width), \(try parameters.bool(1) ? "signed" : "unsigned"))"
        case floatingPointType:
            let precision = try parameters.scalar(0, default: Int16(0))
            return "FloatingPoint(\(["half", "single", "double"][safe: Int(precision)] ?? "precision \(precision)"))"
        default:
            return name
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

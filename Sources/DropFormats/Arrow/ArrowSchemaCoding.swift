/// Translates `[ArrowField]` to, and `[ArrowStoredField]` from, the `Schema` table of Arrow's
/// Schema.fbs: we write one storage per type, but read the others pyarrow uses for the same
/// values. Slot numbers and union ids are those of the `.fbs` files (format version 1.x,
/// MetadataVersion V5); they are fixed forever by Arrow's compatibility rules, so they are
/// written here as constants.
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
    private static let largeUtf8Type: UInt8 = 20
    private static let largeListType: UInt8 = 21
    /// Date, Time, Timestamp, Interval, Duration: no `ArrowType` holds them without choosing a
    /// unit and an epoch for the caller, so they are refused with a hint instead.
    private static let temporalTypes: Set<UInt8> = [8, 9, 10, 11, 18]
    /// `enum Precision : short { HALF, SINGLE, DOUBLE }`
    private static let singlePrecision: Int16 = 1
    private static let doublePrecision: Int16 = 2
    private static let readableTypes =
        "only int8 to int64, uint8 to uint32, float, double, string, large_string, bool, list<double> and large_list<double> are read"

    /// `table Schema { endianness; fields: [Field]; custom_metadata; features }`
    static func schemaTable(_ fields: [ArrowField]) -> FlatBufferTable {
        FlatBufferTable([.int16(0), .tables(fields.map(fieldTable))])  // endianness Little
    }

    static func fields(of schema: FlatBufferReader) throws(ArrowDecodingProblem) -> [ArrowStoredField] {
        guard try schema.scalar(0, default: Int16(0)) == 0 else {
            throw .unsupported("the stream is big-endian")
        }
        var fields: [ArrowStoredField] = []
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

    private static func decodeField(_ field: FlatBufferReader) throws(ArrowDecodingProblem) -> ArrowStoredField {
        let name = try field.string(0) ?? ""
        guard try field.table(4) == nil else {
            throw .unsupported("column \"\(name)\" is dictionary-encoded")
        }
        guard let storage = try storage(of: field) else {
            let id = try field.scalar(2, default: UInt8(0))
            let hint = temporalTypes.contains(id) ? "; convert dates and times to int64 (e.g. Unix seconds) or to strings first" : ""
            throw .unsupported("column \"\(name)\" has type \(try describe(field)); \(readableTypes)\(hint)")
        }
        return ArrowStoredField(field: ArrowField(name: name, type: storage.type, nullable: try field.bool(1)), storage: storage)
    }

    /// How the field's values are laid out, or nil for a type no `ArrowType` holds without loss.
    private static func storage(of field: FlatBufferReader) throws(ArrowDecodingProblem) -> ArrowStorage? {
        let parameters = try typeParameters(of: field)
        switch try field.scalar(2, default: UInt8(0)) {
        case intType:
            let width = try parameters.scalar(0, default: Int32(0))
            let signed = try parameters.bool(1)
            guard [8, 16, 32, 64].contains(width), signed || width < 64 else { return nil }
            return .integer(bytes: Int(width) / 8, signed: signed)
        case floatingPointType:
            switch try parameters.scalar(0, default: Int16(0)) {
            case singlePrecision: return .floatingPoint(bytes: 4)
            case doublePrecision: return .floatingPoint(bytes: 8)
            default: return nil
            }
        case utf8Type: return .utf8(offsetBytes: 4)
        case largeUtf8Type: return .utf8(offsetBytes: 8)
        case boolType: return .bool
        case let id where id == listType || id == largeListType:
            // The item is checked here rather than by recursion, which a crafted file nesting
            // lists thousands deep could turn into a stack overflow.
            let children = try field.tables(5) ?? []
            guard children.count == 1, try children[0].table(4) == nil, try describe(children[0]) == "FloatingPoint(double)" else {
                return nil
            }
            return .listOfDouble(offsetBytes: id == listType ? 4 : 8)
        default: return nil
        }
    }

    /// The field's type as a short text, e.g. "Int(32, signed)" or "LargeList<Int(64, signed)>",
    /// for error messages; a list's item is described one level deep.
    private static func describe(_ field: FlatBufferReader, item: Bool = true) throws(ArrowDecodingProblem) -> String {
        let id = try field.scalar(2, default: UInt8(0))
        let name = Int(id) < typeNames.count ? typeNames[Int(id)] : "unknown type \(id)"
        let parameters = try typeParameters(of: field)
        switch id {
        case intType:
            let width = try parameters.scalar(0, default: Int32(0))
            return "Int(\(width), \(try parameters.bool(1) ? "signed" : "unsigned"))"
        case floatingPointType:
            let precision = try parameters.scalar(0, default: Int16(0))
            return "FloatingPoint(\(["half", "single", "double"][safe: Int(precision)] ?? "precision \(precision)"))"
        case listType, largeListType:
            guard item else { return name }
            let children = try field.tables(5) ?? []
            return children.count == 1 ? "\(name)<\(try describe(children[0], item: false))>" : "\(name) of \(children.count) children"
        default:
            return name
        }
    }

    private static func typeParameters(of field: FlatBufferReader) throws(ArrowDecodingProblem) -> FlatBufferReader {
        guard let parameters = try field.table(3) else {
            let id = try field.scalar(2, default: UInt8(0))
            throw .malformed("a field of type \(Int(id) < typeNames.count ? typeNames[Int(id)] : "\(id)") has no type table")
        }
        return parameters
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

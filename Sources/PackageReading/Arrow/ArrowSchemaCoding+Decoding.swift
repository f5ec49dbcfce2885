import DropFormats

/// Reading a schema back: each storage pyarrow may choose for values an `ArrowType` holds,
/// and for any other type a refusal that names it.
extension ArrowSchemaCoding {
    // `union Type` in Schema.fbs, by id; the names are for error messages.
    private static let typeNames = [
        "NONE", "Null", "Int", "FloatingPoint", "Binary", "Utf8", "Bool", "Decimal", "Date", "Time",
        "Timestamp", "Interval", "List", "Struct", "Union", "FixedSizeBinary", "FixedSizeList", "Map",
        "Duration", "LargeBinary", "LargeUtf8 (large_string)", "LargeList", "RunEndEncoded", "BinaryView",
        "Utf8View", "ListView", "LargeListView",
    ]
    /// Date, Time, Timestamp, Interval, Duration: no `ArrowType` holds them without choosing a
    /// unit and an epoch for the caller, so they are refused with a hint instead.
    private static let temporalTypes: Set<UInt8> = [8, 9, 10, 11, 18]
    private static let readableTypes =
        "only int8 to int64, uint8 to uint32, float, double, string, large_string, bool, list<double> and large_list<double> are read"

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

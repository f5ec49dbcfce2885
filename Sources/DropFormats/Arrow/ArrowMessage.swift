/// The metadata of one encapsulated IPC message (`table Message` of Message.fbs) that this
/// module writes or reads: a schema, then record batches.
enum ArrowMessage {
    /// Written with each type's own storage (`ArrowStoredField.init(_:)`); read with
    /// whatever storage the writer chose.
    case schema([ArrowStoredField])
    case recordBatch(ArrowRecordBatchHeader)

    /// `enum MetadataVersion : short { V1, V2, V3, V4, V5 }`; V5 is what Arrow ≥ 1.0 writes.
    private static let versionV4: Int16 = 3
    private static let versionV5: Int16 = 4
    /// `union MessageHeader { Schema = 1, DictionaryBatch, RecordBatch, Tensor, SparseTensor }`
    private static let schemaHeader: UInt8 = 1
    private static let dictionaryBatchHeader: UInt8 = 2
    private static let recordBatchHeader: UInt8 = 3

    /// The FlatBuffer, zero-padded so that with the 8-byte prefix (marker and length) the body
    /// that follows starts 8-byte aligned, as Arrow requires. Only our writer encodes messages,
    /// so a schema's storage is the writer's, the only one `ArrowSchemaCoding.schemaTable` writes.
    func metadata(bodyLength: Int) -> [UInt8] {
        if case .schema(let fields) = self {
            assert(fields.allSatisfy { $0.storage == ArrowStorage($0.field.type) }, "the writer stores each type its own way")
        }
        let (headerType, header): (UInt8, FlatBufferTable) =
            switch self {
            case .schema(let fields): (Self.schemaHeader, ArrowSchemaCoding.schemaTable(fields.map(\.field)))
            case .recordBatch(let batch): (Self.recordBatchHeader, batch.table)
            }
        // table Message { version; header_type; header; bodyLength; custom_metadata }
        let message = FlatBufferTable([.int16(Self.versionV5), .uint8(headerType), .table(header), .int64(Int64(bodyLength))])
        return FlatBufferSerializer.serialize(message, paddedTo: 8)
    }

    /// Decodes a message's metadata; also returns the length of the body that follows it.
    static func decode(_ metadata: [UInt8]) throws(ArrowDecodingProblem) -> (message: ArrowMessage, bodyLength: Int) {
        let message = try FlatBufferReader.root(of: metadata)
        let version = try message.scalar(0, default: Int16(0))
        guard version == versionV4 || version == versionV5 else {
            throw .unsupported("metadata version V\(version + 1); only V4 and V5 are read")
        }
        let bodyLength = try message.scalar(3, default: Int64(0))
        guard (0...ArrowRecordBatchHeader.maximumLength).contains(bodyLength) else {
            throw .malformed("the message claims a body of \(bodyLength) bytes")
        }
        let headerType = try message.scalar(1, default: UInt8(0))
        guard let header = try message.table(2) else {
            throw .malformed("the message has no header")
        }
        switch headerType {
        case schemaHeader:
            return (.schema(try ArrowSchemaCoding.fields(of: header)), Int(bodyLength))
        case recordBatchHeader:
            return (.recordBatch(try ArrowRecordBatchHeader(header)), Int(bodyLength))
        case dictionaryBatchHeader:
            throw .unsupported("dictionary batches are not read")
        default:
            throw .unsupported("message header type \(headerType) (tensors) is not read")
        }
    }
}

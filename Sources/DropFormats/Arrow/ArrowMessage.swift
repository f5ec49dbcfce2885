/// The metadata of one encapsulated IPC message (`table Message` of Message.fbs) that
/// `ArrowStreamWriter` writes and PackageReading's `ArrowStreamReader` reads (`decode`): a
/// schema, then record batches.
package enum ArrowMessage {
    /// Written with each type's own storage (`ArrowStoredField.init(_:)`); read with
    /// whatever storage the writer chose.
    case schema([ArrowStoredField])
    case recordBatch(ArrowRecordBatchHeader)

    /// `enum MetadataVersion : short { V1, V2, V3, V4, V5 }`; V5 is what Arrow ≥ 1.0 writes.
    package static let versionV4: Int16 = 3
    package static let versionV5: Int16 = 4
    /// `union MessageHeader { Schema = 1, DictionaryBatch, RecordBatch, Tensor, SparseTensor }`
    package static let schemaHeader: UInt8 = 1
    package static let dictionaryBatchHeader: UInt8 = 2
    package static let recordBatchHeader: UInt8 = 3

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
}

import DropFormats

extension ArrowMessage {
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

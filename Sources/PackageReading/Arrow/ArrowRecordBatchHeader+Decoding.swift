import DropFormats

extension ArrowRecordBatchHeader {
    /// Far above any real batch (a body is at most 2^40 bytes), and low enough that no
    /// arithmetic on lengths and offsets below it can overflow.
    static let maximumLength: Int64 = 1 << 40

    init(_ batch: FlatBufferReader) throws(ArrowDecodingProblem) {
        guard try batch.table(3) == nil else {
            throw .unsupported("the record batch is compressed")
        }
        let length = try batch.scalar(0, default: Int64(0))
        let nodes = try batch.int64Pairs(1) ?? []
        let buffers = try batch.int64Pairs(2) ?? []
        let limit = Self.maximumLength
        guard (0...limit).contains(length), nodes.allSatisfy({ (0...limit).contains($0.0) && (0...$0.0).contains($0.1) }) else {
            throw .malformed("a record batch has a negative or absurd length, or more nulls than values")
        }
        guard buffers.allSatisfy({ (0...limit).contains($0.0) && (0...limit).contains($0.1) }) else {
            throw .malformed("a record batch has a buffer with a negative or absurd offset or length")
        }
        self.init(
            length: Int(length),
            nodes: nodes.map { Node(length: Int($0.0), nullCount: Int($0.1)) },
            buffers: buffers.map { Span(offset: Int($0.0), length: Int($0.1)) }
        )
    }
}

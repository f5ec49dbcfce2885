/// The metadata of one record batch (`table RecordBatch` of Message.fbs): how many rows, and
/// where in the body each column's buffers are. Nodes and buffers are listed depth-first, a
/// list column's child right after the list. Written here, decoded in PackageReading.
package struct ArrowRecordBatchHeader {
    /// `struct FieldNode { length: long; null_count: long }`
    package struct Node {
        package var length: Int
        package var nullCount: Int

        package init(length: Int, nullCount: Int) {
            self.length = length
            self.nullCount = nullCount
        }
    }

    /// `struct Buffer { offset: long; length: long }`, the offset relative to the body's start.
    package struct Span {
        package var offset: Int
        package var length: Int

        package init(offset: Int, length: Int) {
            self.offset = offset
            self.length = length
        }
    }

    package var length: Int
    package var nodes: [Node]
    package var buffers: [Span]

    /// `table RecordBatch { length; nodes; buffers; compression; variadicBufferCounts }`
    var table: FlatBufferTable {
        FlatBufferTable([
            .int64(Int64(length)),
            .int64Pairs(nodes.map { (Int64($0.length), Int64($0.nullCount)) }),
            .int64Pairs(buffers.map { (Int64($0.offset), Int64($0.length)) }),
        ])
    }

    package init(length: Int, nodes: [Node], buffers: [Span]) {
        self.length = length
        self.nodes = nodes
        self.buffers = buffers
    }
}

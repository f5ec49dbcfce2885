import DropFormats
import NIOCore

/// The body of one `POST /inference-pipelines/{id}/data-stream` call, built row by row.
///
/// Rows arrive already encoded so that the batcher knows the exact size of the body before
/// deciding whether the next row still fits under its byte cap. The body is complete after
/// every row (its closing `]}` moved along), so it is sent as is, without a copy: it is kept in
/// the `ByteBuffer` the HTTP client sends (a body copied into one cost a copy of every byte sent).
public struct DataStreamBatch: Sendable {
    private var body: ByteBuffer
    public private(set) var rowCount = 0

    /// `{"config":` … `,"rows":[]}` — written once, so a batch's size is known from the first row.
    /// - Parameter capacity: bytes to reserve, so that the body does not grow by copies.
    public init(config: JSONObject, reservingCapacity capacity: Int = 0) {
        var head = Array(#"{"config":"#.utf8)
        JSONWriter.append(.object(config), to: &head)
        head.append(contentsOf: Array(#","rows":[]}"#.utf8))
        body = ByteBufferAllocator().buffer(capacity: max(capacity, head.count))
        body.writeBytes(head)
    }

    /// Bytes of the finished body if a row of `rowBytes` bytes were added now.
    public func byteCount(addingRowOf rowBytes: Int) -> Int {
        body.readableBytes + rowBytes + (rowCount > 0 ? 1 : 0)
    }

    /// Bytes of the finished body as it stands.
    public var byteCount: Int { body.readableBytes }

    public mutating func append(encodedRow: UnsafeBufferPointer<UInt8>) {
        body.moveWriterIndex(to: body.writerIndex - 2)
        if rowCount > 0 { body.writeStaticString(",") }
        body.writeBytes(encodedRow)
        body.writeStaticString("]}")
        rowCount += 1
    }

    /// The complete JSON body, as the HTTP client sends it.
    public var buffer: ByteBuffer { body }

    /// The complete JSON body, as bytes.
    public func finished() -> [UInt8] {
        Array(body.readableBytesView)
    }
}

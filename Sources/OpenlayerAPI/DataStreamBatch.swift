import DropFormats

/// The body of one `POST /inference-pipelines/{id}/data-stream` call, built row by row.
///
/// Rows arrive already encoded so that the batcher knows the exact size of the body before
/// deciding whether the next row still fits under its byte cap. The body is complete after
/// every row (its closing `]}` moved along), so it is sent as is, without a copy.
public struct DataStreamBatch: Sendable {
    private var body: [UInt8]
    public private(set) var rowCount = 0

    /// `{"config":` … `,"rows":[]}` — written once, so a batch's size is known from the first row.
    /// - Parameter capacity: bytes to reserve, so that the body does not grow by copies.
    public init(config: JSONObject, reservingCapacity capacity: Int = 0) {
        body = []
        body.reserveCapacity(capacity)
        body.append(contentsOf: Array(#"{"config":"#.utf8))
        JSONWriter.append(.object(config), to: &body)
        body.append(contentsOf: Array(#","rows":[]}"#.utf8))
    }

    /// Bytes of the finished body if a row of `rowBytes` bytes were added now.
    public func byteCount(addingRowOf rowBytes: Int) -> Int {
        body.count + rowBytes + (rowCount > 0 ? 1 : 0)
    }

    /// Bytes of the finished body as it stands.
    public var byteCount: Int { body.count }

    public mutating func append(encodedRow: UnsafeBufferPointer<UInt8>) {
        body.removeLast(2)
        if rowCount > 0 { body.append(UInt8(ascii: ",")) }
        body.append(contentsOf: encodedRow)
        body.append(UInt8(ascii: "]"))
        body.append(UInt8(ascii: "}"))
        rowCount += 1
    }

    /// The complete JSON body.
    public func finished() -> [UInt8] {
        body
    }
}

import DropJSON
import NIOCore

/// The body of one `POST /inference-pipelines/{id}/data-stream` call: `{"config":…,"rows":[…]}`.
///
/// The caller writes the opening (`opening(config:)`) and the rows, comma-separated, in memory
/// of its own, and hands them over once the batch is full; this adds the closing `]}`. A row is
/// so written once, where it is encoded, and the whole body copied once into the `ByteBuffer`
/// the HTTP client sends: appending each row to a `ByteBuffer` cost an exclusivity check and a
/// capacity check per row, a twentieth of the publishing pass.
public struct DataStreamBatch: Sendable {
    private let body: ByteBuffer
    public let rowCount: Int

    /// `{"config":…,"rows":[`, which every body starts with.
    public static func opening(config: JSONObject) -> [UInt8] {
        var head = Array(#"{"config":"#.utf8)
        JSONWriter.append(.object(config), to: &head)
        head.append(contentsOf: Array(#","rows":["#.utf8))
        return head
    }

    /// Bytes `]}` add to the opening and rows.
    public static let closingByteCount = 2

    /// - Parameter openingAndRows: `opening(config:)` followed by `rowCount` JSON objects
    ///   separated by commas.
    public init(openingAndRows: UnsafeRawBufferPointer, rowCount: Int) {
        var body = ByteBufferAllocator().buffer(capacity: openingAndRows.count + Self.closingByteCount)
        body.writeBytes(openingAndRows)
        body.writeStaticString("]}")
        self.body = body
        self.rowCount = rowCount
    }

    /// Bytes of the body.
    public var byteCount: Int { body.readableBytes }

    /// The complete JSON body, as the HTTP client sends it.
    public var buffer: ByteBuffer { body }

    /// The complete JSON body, as bytes.
    public func finished() -> [UInt8] {
        Array(body.readableBytesView)
    }
}

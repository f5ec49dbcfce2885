import DropFormats
import DropJSON

/// Reads an Arrow IPC stream, one record batch at a time, back into rows of `JSONValue`s: the
/// local sandbox server reads what it receives with this, as Openlayer reads it with pyarrow.
///
/// It reads the types `ArrowType` names — from our writer or from pyarrow — and throws a clear
/// `ArrowError` for anything else: a bad marker, a truncated message, an out-of-range offset
/// (`.malformed`), or another type, compression, dictionaries (`.unsupported`). Values come
/// back as the writer's input would: int64 → `.integer`, double → `.double` (an integer written
/// to a double column reads back as a double), utf8 → `.string`, bool → `.bool`,
/// list<double> → `.array` of `.double` (a null item, which pyarrow can write, → `.null`).
///
/// pyarrow stores some of the same values differently, and those read as the type that holds
/// them: int8/16/32 and uint8/16/32 as `.int64`, float32 as `.double`, `large_string` (what
/// pandas 3 makes of its strings) as `.utf8`, `large_list<double>` as `.listOfDouble`.
/// Dates, times and uint64 are refused: no `ArrowType` holds them without a choice made for
/// the caller (a unit and epoch, or a wrap-around).
public final class ArrowStreamReader {
    public let schema: [ArrowField]
    /// The schema with each column's storage, which decoding a batch needs.
    private let storedSchema: [ArrowStoredField]
    private let messages: ArrowMessageReader

    /// Opens the file and reads its schema message. Open and read failures throw
    /// `FileReadError`, as for DropFormats' readers.
    public init(path: String) throws {
        let messages = try ArrowMessageReader(path: path)
        switch try messages.next() {
        case .schema(let fields) where fields.isEmpty:
            throw messages.unsupported("the schema has no columns")
        case .schema(let fields):
            self.storedSchema = fields
            self.schema = fields.map(\.field)
        case .recordBatch:
            throw messages.malformed("the stream starts with a record batch instead of a schema")
        case nil:
            throw messages.malformed("the stream ends before its schema message")
        }
        self.messages = messages
    }

    /// The rows of the next record batch (`[]` for an empty batch), nil at the end of the stream.
    public func nextBatch() throws -> [[JSONValue]]? {
        switch try messages.next() {
        case nil:
            return nil
        case .schema:
            throw messages.malformed("a second schema message")
        case .recordBatch(let header):
            let schema = storedSchema
            return try messages.withBody { (body) throws(ArrowDecodingProblem) in
                try ArrowBatchDecoder.rows(of: header, schema: schema, body: body)
            }
        }
    }
}

import DropJSON
import PackageReading

/// An uploaded batch file, read as the Arrow IPC stream the SDK writes
/// (`pyarrow.ipc.RecordBatchStreamWriter`), one record batch at a time.
///
/// The real backend accepts any object and fails later, out of sight; the sandbox reads the
/// file while answering, so that a test sees a broken file as a 400 carrying the reader's words.
struct ArrowBatchFile: Sendable {
    /// Why the file could not be read as an Arrow stream: the reader's error, described.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// An absolute path.
    let path: String

    /// Calls `body` with each row, an object keyed by the schema's field names in their order,
    /// each value typed as the column is (integers, doubles, lists, nulls as they are).
    /// Errors of the reader are thrown as `Unreadable`; those of `body` as they are.
    func forEachRow(_ body: (JSONObject) throws -> Void) throws {
        let reader: ArrowStreamReader
        do {
            reader = try ArrowStreamReader(path: path)
        } catch {
            throw Unreadable(description: "\(error)")
        }
        let names = reader.schema.map(\.name)
        while true {
            let batch: [[JSONValue]]?
            do {
                batch = try reader.nextBatch()
            } catch {
                throw Unreadable(description: "\(error)")
            }
            guard let batch else { return }
            for values in batch {
                try body(JSONObject(zip(names, values).map { JSONObject.Field(key: $0, value: $1) }))
            }
        }
    }
}

import DropFormats
import DropJSON
import Foundation

/// Collects the rows of a file that are not published — refused by validation or by the
/// server — into `rejected/<pipeline>/<stem>.rejected.csv` (or `.jsonl`): each the original
/// row, with its line number and the reason in front, so it can be fixed and dropped again.
///
/// Rows go to a partial file beside the claimed file first; once the file's rows are all
/// settled and journaled, `deliver` moves it into `rejected/` in one step. A pass that is
/// interrupted leaves only the partial file, which the next pass starts over, so a resumed
/// file never lists a row twice.
final class RejectedRowsWriter {
    static let lineColumn = "_line"
    static let reasonColumn = "_reason"

    private let partialPath: String
    private let format: SourceFormat
    private let header: [String]?
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private(set) var count = 0

    /// - Parameter claimedPath: the file being published; the partial file sits beside it.
    init(claimedPath: String, format: SourceFormat, header: [String]?) {
        partialPath = Self.partialPath(claimedPath: claimedPath)
        self.format = format
        self.header = header
        // unlink, not FileManager: a partial file is rare, and FileManager builds an error
        // object for the usual "no such file" that costs more than the call.
        unlink(partialPath)
    }

    func append(_ record: SourceRecord, reason: String) throws {
        if handle == nil { try open() }
        switch record {
        case .csv(let line, let fields):
            CSVWriter.appendRecord([String(line), reason] + fields, to: &buffer)
        case .csvWithInvalidUTF8(let line, let fields, _):
            CSVWriter.appendRecord([Array(String(line).utf8), Array(reason.utf8)] + fields, to: &buffer)
        case .jsonl(let line, let object):
            var fields = [JSONObject.Field(key: Self.lineColumn, value: .integer(Int64(line))), .init(key: Self.reasonColumn, value: .string(reason))]
            fields += object.fields.filter { $0.key != Self.lineColumn && $0.key != Self.reasonColumn }
            JSONWriter.append(.object(JSONObject(fields)), to: &buffer)
            buffer.append(UInt8(ascii: "\n"))
        case .malformed(let error, let text):
            let fields: [JSONObject.Field] = [
                .init(key: Self.lineColumn, value: .integer(Int64(error.line))),
                .init(key: Self.reasonColumn, value: .string(reason)),
                .init(key: "_text", value: .string(text)),
            ]
            JSONWriter.append(.object(JSONObject(fields)), to: &buffer)
            buffer.append(UInt8(ascii: "\n"))
        }
        count += 1
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Flushes and closes the partial file. Returns whether it holds any row.
    func close() throws -> Bool {
        guard let handle else { return false }
        try flush()
        try handle.synchronize()
        try handle.close()
        self.handle = nil
        return true
    }

    /// Drops the partial file of an interrupted pass.
    func discard() {
        try? handle?.close()
        handle = nil
        unlink(partialPath)
    }

    /// The partial file of a file in work, whether or not it exists.
    static func partialPath(claimedPath: String) -> String {
        guard let slash = claimedPath.lastIndex(of: "/") else { return "." + claimedPath + ".rejected.partial" }
        return claimedPath[...slash] + "." + claimedPath[claimedPath.index(after: slash)...] + ".rejected.partial"
    }

    /// Moves a closed partial file into `directory` as `<stem>.rejected.<ext>` (`rows.csv` and
    /// `rows.csv.gz` both give `rows.rejected.csv`), never
    /// overwriting, and returns its new path; nil when there is no partial file.
    static func deliver(claimedPath: String, format: SourceFormat, into directory: String, fileName: String) throws -> String? {
        let partial = partialPath(claimedPath: claimedPath)
        guard FileManager.default.fileExists(atPath: partial) else { return nil }
        var stem = URL(fileURLWithPath: fileName).deletingPathExtension().lastPathComponent
        // `rows.csv.gz` → `rows.rejected.csv`: the rejected rows are written plain.
        if fileName.lowercased().hasSuffix(".gz") { stem = URL(fileURLWithPath: stem).deletingPathExtension().lastPathComponent }
        return try NoOverwriteMove.move(partial, into: directory, name: stem + ".rejected." + (format == .csv ? "csv" : "jsonl"))
    }

    private func open() throws {
        guard FileManager.default.createFile(atPath: partialPath, contents: nil) else {
            throw EngineError.writeFailed(path: partialPath, errno: errno)
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partialPath))
        if let header {
            CSVWriter.appendRecord([Self.lineColumn, Self.reasonColumn] + header, to: &buffer)
        }
    }

    private func flush() throws {
        guard let handle, !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

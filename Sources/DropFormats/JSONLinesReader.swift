#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DropJSON

/// Streams a JSON Lines file, one object per line, in memory proportional to the longest
/// line. Lines are found with `memchr`, which is far faster than the parser, so splitting
/// costs next to nothing; each line is then parsed in place, without copying.
public final class JSONLinesReader {
    private let file: ChunkedFileReader
    /// Offset in the window of the first byte of the next line.
    private var cursor = 0
    /// The physical line of `cursor`.
    private var line = 1
    private var hasStarted = false
    private var isFinished = false
    /// A line longer than this ends the reading (memory stays bounded whatever the file holds);
    /// `tooLongLine` then says where it started.
    private let maxLineBytes: Int
    /// The line that was longer than `maxLineBytes`, if reading stopped there.
    public private(set) var tooLongLine: Int?

    /// Opens the file. Nothing is read until the first `next()`.
    /// - Parameter onBytes: sees every byte of the file, byte order mark included, in order,
    ///   before it is parsed (the engine hashes the file with it).
    public init(
        path: String, maxLineBytes: Int = .max, decompression: Decompression = .none, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws(FileReadError) {
        file = try ChunkedFileReader(path: path, decompression: decompression, onBytes: onBytes)
        self.maxLineBytes = maxLineBytes
    }

    /// Why a gzip file's lines ended before its bytes did (`ChunkedFileReader.damage`).
    public var damage: String? { file.damage }

    /// Opens one segment of the file: `range` must start where a line starts (a `lineOffset`
    /// an earlier reader of the whole file gave), line `firstLine` of the file.
    public init(
        path: String, range: Range<Int64>, firstLine: Int, maxLineBytes: Int = .max, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws(FileReadError) {
        file = try ChunkedFileReader(path: path, range: range, onBytes: onBytes)
        self.maxLineBytes = maxLineBytes
        if range.lowerBound > 0 {
            hasStarted = true  // a byte order mark is only ever at the very start
            line = firstLine
        }
    }

    public var path: String { file.path }

    /// Where the line `nextLine` found last starts in the file.
    public var lineOffset: Int64 { file.windowOffset + Int64(current.start) }

    /// Returns the next non-blank line, parsed or with the reason it could not be, or nil
    /// at the end of the file. Throws only `FileReadError`: the file's text never stops it.
    public func next() throws(FileReadError) -> JSONLinesRecord? {
        guard try nextLine() != nil else { return nil }
        return parsedLine()
    }

    /// Finds the next non-blank line without parsing it (see `withLine`, `parsedLine`).
    /// Returns its line number, or nil at the end of the file.
    public func nextLine() throws(FileReadError) -> Int? {
        if isFinished { return nil }
        if !hasStarted {
            hasStarted = true
            cursor = try file.skipByteOrderMark()
        }
        var searchFrom = cursor
        while true {
            let lineEnd: Int
            if let found = findLineFeed(from: searchFrom) {
                lineEnd = found
            } else if !file.isAtEnd {
                if file.count - cursor > maxLineBytes {
                    tooLongLine = line
                    isFinished = true
                    return nil
                }
                // An incomplete line: keep it, drop what came before, read on.
                let shift = cursor
                file.discard(upTo: shift)
                cursor = 0
                searchFrom = file.count
                _ = try file.fill()
                continue
            } else if cursor < file.count {
                lineEnd = file.count  // the last line has no line feed
            } else {
                isFinished = true
                return nil
            }

            let lineNumber = line
            let start = cursor
            if lineEnd - start > maxLineBytes {
                tooLongLine = lineNumber
                isFinished = true
                return nil
            }
            var contentEnd = lineEnd
            if contentEnd > start, file.storage[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
            line += 1
            cursor = min(lineEnd + 1, file.count)
            searchFrom = cursor

            let text = UnsafeRawBufferPointer(start: file.storage + start, count: contentEnd - start)
            guard let firstContent = text.firstIndex(where: { !ASCII.isJSONWhitespace($0) }) else {
                continue  // blank or whitespace-only
            }
            current = (lineNumber, start, contentEnd - start, firstContent)
            return lineNumber
        }
    }

    /// The line `nextLine` found, its line ending left out; valid only inside `body`.
    public func withLine<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: file.storage + current.start, count: current.count))
    }

    /// The line `nextLine` found, parsed.
    public func parsedLine() -> JSONLinesRecord {
        withLine { text in
            let object = Self.parseObject(text, line: current.line, firstContent: current.firstContent)
            // A line that does not parse is kept as text, so it can be set aside unchanged.
            let unparsed: String? = if case .failure = object { String(decoding: text, as: UTF8.self) } else { nil }
            return JSONLinesRecord(line: current.line, object: object, unparsedText: unparsed)
        }
    }

    /// Where the line `nextLine` found is in the window.
    private var current = (line: 0, start: 0, count: 0, firstContent: 0)

    private func findLineFeed(from offset: Int) -> Int? {
        let remaining = file.count - offset
        guard remaining > 0, let found = memchr(file.storage + offset, Int32(ASCII.lineFeed), remaining) else {
            return nil
        }
        return UnsafeRawPointer(found) - UnsafeRawPointer(file.storage)
    }

    private static func parseObject(
        _ text: UnsafeRawBufferPointer, line: Int, firstContent: Int
    ) -> Result<JSONObject, FormatError> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text, line: line)
        } catch {
            return .failure(error)
        }
        if case .object(let object) = value { return .success(object) }
        let column = TextLocation.locate(offset: firstContent, in: text, firstLine: line).column
        return .failure(FormatError(
            line: line, position: column,
            message: "expected a JSON object on each line, found \(kindDescription(of: value))"))
    }

    private static func kindDescription(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

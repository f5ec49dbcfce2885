#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the records of an RFC 4180 CSV file, one at a time, in memory proportional to
/// the largest record, so that multi-gigabyte drops can be published without loading them.
///
/// Where RFC 4180 leaves a file ill-formed, the reader is as lenient as pandas, because the
/// files come from spreadsheets and scripts, not validators: a quote in the middle of an
/// unquoted field is data, text after a closing quote joins the field, and rows may have any
/// number of fields. The one thing it cannot guess is where an unterminated quote was meant
/// to end, so that is the one error it reports.
public final class CSVReader {
    private let file: ChunkedFileReader
    /// Offset in the window of the first byte not yet returned.
    private var cursor = 0
    /// The physical line of `cursor`: at the end, one more than the line feeds read.
    public private(set) var line = 1
    private var hasStarted = false
    private var isFinished = false
    /// The fields of the record last read, unescaped, one after the other, and where each
    /// ends: memory of the reader's own, reused across records, so that reading allocates
    /// nothing once it has seen the widest record and lending the fields costs nothing.
    private var fields = FieldBuffer()

    /// Where the record last read starts in the file: a place a reader of a segment can start.
    public private(set) var recordOffset: Int64 = 0

    /// Opens the file. Nothing is read until the first `next()`.
    /// - Parameter onBytes: sees every byte of the file, byte order mark included, in order,
    ///   before it is parsed (the engine hashes the file with it).
    public init(path: String, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws(FileReadError) {
        file = try ChunkedFileReader(path: path, onBytes: onBytes)
    }

    /// Opens one segment of the file: `range` must start where a record starts (a
    /// `recordOffset` an earlier reader of the whole file gave), on line `firstLine`, so that
    /// its records are exactly those a reader of the whole file returns there.
    public init(path: String, range: Range<Int64>, firstLine: Int, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws(FileReadError) {
        file = try ChunkedFileReader(path: path, range: range, onBytes: onBytes)
        if range.lowerBound > 0 {
            hasStarted = true  // a byte order mark is only ever at the very start
            line = firstLine
        }
    }

    deinit {
        fields.deallocate()
    }

    public var path: String { file.path }

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterClosingQuote
    }

    /// Returns the next record, or nil at the end of the file. Throws `FileReadError` when
    /// the system fails to read, and `FormatError` for a quote that is never closed.
    public func next() throws -> CSVRecord? {
        guard let line = try nextFields() else { return nil }
        return withFields { fields in CSVRecord(line: line, fields: (0..<fields.count).map { fields.string($0) }) }
    }

    /// Reads the next record without making a `String` of any field: its fields are then
    /// available through `withFields` until the next read. Returns the record's line, or nil
    /// at the end of the file.
    public func nextFields() throws -> Int? {
        if isFinished { return nil }
        if !hasStarted {
            hasStarted = true
            cursor = try file.skipByteOrderMark()
        }
        // The record is built in a local copy of the buffer's pointers, not in the property: a
        // class's properties are checked for exclusive access at every touch.
        var out = fields
        out.removeAll()
        defer { fields = out }
        var state = State.fieldStart
        var recordStart = cursor
        var recordLine = line
        var fieldStart = cursor
        var position = cursor
        var lineStart = cursor
        var hasEscapedQuotes = false
        // Where the current quoted field opened, for the unterminated-quote error.
        var quoteLine = 0
        var quoteOffset = 0
        var quoteLineStart = 0

        while true {
            let bytes = file.storage
            let end = file.count
            scan: while position < end {
                switch state {
                case .fieldStart:
                    fieldStart = position
                    if bytes[position] == ASCII.quote {
                        state = .quoted
                        hasEscapedQuotes = false
                        quoteLine = line
                        quoteOffset = position
                        quoteLineStart = lineStart
                        position += 1
                    } else {
                        state = .unquoted
                    }
                case .unquoted, .afterClosingQuote:
                    while position < end {
                        let byte = bytes[position]
                        if byte == ASCII.comma || byte == ASCII.lineFeed { break }
                        position += 1
                    }
                    if position == end { break scan }
                    let isLineEnd = bytes[position] == ASCII.lineFeed
                    var fieldEnd = position
                    if isLineEnd, fieldEnd > fieldStart, bytes[fieldEnd - 1] == ASCII.carriageReturn {
                        fieldEnd -= 1
                    }
                    if isLineEnd, state == .unquoted, out.fieldCount == 0, fieldEnd == fieldStart {
                        // A blank line: no record, but still a line.
                        position += 1
                        line += 1
                        lineStart = position
                        recordStart = position
                        recordLine = line
                        state = .fieldStart
                        continue scan
                    }
                    if state == .unquoted {
                        out.appendPlain(bytes, from: fieldStart, to: fieldEnd)
                    } else {
                        out.appendQuoted(bytes, from: fieldStart, to: fieldEnd, hasEscapedQuotes: hasEscapedQuotes, hasTrailingText: true)
                    }
                    position += 1
                    if isLineEnd { return finishRecord(line: recordLine, start: recordStart, next: position) }
                    state = .fieldStart
                case .quoted:
                    while position < end {
                        let byte = bytes[position]
                        if byte == ASCII.quote { break }
                        if byte == ASCII.lineFeed {
                            line += 1
                            lineStart = position + 1
                        }
                        position += 1
                    }
                    if position == end { break scan }
                    position += 1
                    state = .quoteInQuoted
                case .quoteInQuoted:
                    let byte = bytes[position]
                    if byte == ASCII.quote {
                        hasEscapedQuotes = true
                        state = .quoted
                        position += 1
                    } else if byte == ASCII.comma || byte == ASCII.lineFeed {
                        out.appendQuoted(bytes, from: fieldStart, to: position, hasEscapedQuotes: hasEscapedQuotes, hasTrailingText: false)
                        position += 1
                        if byte == ASCII.lineFeed { return finishRecord(line: recordLine, start: recordStart, next: position) }
                        state = .fieldStart
                    } else {
                        state = .afterClosingQuote
                    }
                }
            }

            // Out of bytes mid-record: keep the record, drop what came before, read on.
            if !file.isAtEnd {
                let shift = recordStart
                file.discard(upTo: shift)
                recordStart -= shift
                fieldStart -= shift
                position -= shift
                lineStart -= shift
                quoteOffset -= shift
                quoteLineStart -= shift
                if try file.fill() { continue }
            }
            recordOffset = file.windowOffset + Int64(recordStart)
            return try finishAtEnd(
                state: state, out: &out, recordLine: recordLine, fieldStart: fieldStart,
                hasEscapedQuotes: hasEscapedQuotes,
                quote: (line: quoteLine, offset: quoteOffset, lineStart: quoteLineStart)
            )
        }
    }

    private func finishRecord(line recordLine: Int, start: Int, next: Int) -> Int {
        recordOffset = file.windowOffset + Int64(start)
        line += 1  // the record's final line feed
        cursor = next
        return recordLine
    }

    /// The end of the file ends the last record too: a missing final newline is common.
    private func finishAtEnd(
        state: State, out: inout FieldBuffer, recordLine: Int, fieldStart: Int, hasEscapedQuotes: Bool,
        quote: (line: Int, offset: Int, lineStart: Int)
    ) throws(FormatError) -> Int? {
        isFinished = true
        let bytes = file.storage
        let end = file.count
        cursor = end
        var fieldEnd = end
        if state == .unquoted || state == .afterClosingQuote, fieldEnd > fieldStart,
            bytes[fieldEnd - 1] == ASCII.carriageReturn
        {
            fieldEnd -= 1
        }
        switch state {
        case .fieldStart:
            if out.fieldCount == 0 { return nil }
            out.endField()
        case .unquoted:
            if out.fieldCount == 0, fieldEnd == fieldStart { return nil }
            out.appendPlain(bytes, from: fieldStart, to: fieldEnd)
        case .quoteInQuoted, .afterClosingQuote:
            out.appendQuoted(bytes, from: fieldStart, to: fieldEnd, hasEscapedQuotes: hasEscapedQuotes, hasTrailingText: state == .afterClosingQuote)
        case .quoted:
            let prefix = UnsafeRawBufferPointer(start: bytes + quote.lineStart, count: quote.offset - quote.lineStart)
            let column = TextLocation.locate(offset: prefix.count, in: prefix, firstLine: quote.line).column
            throw FormatError(
                line: quote.line, position: column,
                message: "expected a closing '\"' for the quote opened here, before the end of the file")
        }
        return recordLine
    }

    /// The fields of the record last read by `nextFields`. Inlinable: called once a record
    /// from another module, a generic call that is not specialized there costs as much as the
    /// closure it runs.
    @inlinable
    public func withFields<Result>(_ body: (CSVFields) throws -> Result) rethrows -> Result {
        try body(fieldsView)
    }

    @usableFromInline
    var fieldsView: CSVFields { fields.view }

}

/// A record's fields as they are read: bytes one after the other, and where each ends. Plain
/// pointers into memory the reader owns (it frees them in `deinit`): copying this struct
/// copies two pointers, with no reference counting on the path of every byte.
private struct FieldBuffer {
    var bytes: UnsafeMutablePointer<UInt8> = .allocate(capacity: 4096)
    var byteCapacity = 4096
    var byteCount = 0
    var ends: UnsafeMutablePointer<Int> = .allocate(capacity: 64)
    var endCapacity = 64
    var fieldCount = 0

    var view: CSVFields {
        CSVFields(bytes: UnsafeBufferPointer(start: bytes, count: byteCount), ends: UnsafeBufferPointer(start: ends, count: fieldCount))
    }

    func deallocate() {
        bytes.deallocate()
        ends.deallocate()
    }

    mutating func removeAll() {
        byteCount = 0
        fieldCount = 0
    }

    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, count: Int) {
        if byteCount + count > byteCapacity { growBytes(to: byteCount + count) }
        (bytes + byteCount).update(from: source, count: count)
        byteCount += count
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if byteCount == byteCapacity { growBytes(to: byteCount + 1) }
        bytes[byteCount] = byte
        byteCount += 1
    }

    @inline(__always)
    mutating func endField() {
        if fieldCount == endCapacity {
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: endCapacity * 2)
            grown.update(from: ends, count: fieldCount)
            ends.deallocate()
            ends = grown
            endCapacity *= 2
        }
        ends[fieldCount] = byteCount
        fieldCount += 1
    }

    private mutating func growBytes(to minimum: Int) {
        let capacity = max(minimum, byteCapacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = grown
        byteCapacity = capacity
    }

    @inline(__always)
    mutating func appendPlain(_ source: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int) {
        append(source + start, count: end - start)
        endField()
    }

    /// Appends a field that starts with a quote (`start` is on it): `""` inside the quotes is
    /// one quote, and anything after the closing quote is kept as it is.
    mutating func appendQuoted(
        _ source: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int, hasEscapedQuotes: Bool, hasTrailingText: Bool
    ) {
        if !hasEscapedQuotes, !hasTrailingText {
            return appendPlain(source, from: start + 1, to: end - 1)
        }
        var index = start + 1
        var runStart = index
        while index < end {
            guard source[index] == ASCII.quote else {
                index += 1
                continue
            }
            append(source + runStart, count: index - runStart)
            if index + 1 < end, source[index + 1] == ASCII.quote {
                append(ASCII.quote)
                index += 2
                runStart = index
                continue
            }
            runStart = index + 1  // the closing quote; the rest is trailing text
            break
        }
        append(source + runStart, count: end - runStart)
        endField()
    }
}

/// The fields of one CSV record as bytes, unescaped; valid only inside `CSVReader.withFields`.
public struct CSVFields {
    public let bytes: UnsafeBufferPointer<UInt8>
    public let ends: UnsafeBufferPointer<Int>

    @inlinable
    public var count: Int { ends.count }

    /// Inlinable: read once a cell, from another module.
    @inlinable
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// The field as text. Invalid UTF-8 becomes U+FFFD rather than an error: a stray Latin-1
    /// byte in one cell should not sink a file, and the replacement is visible in the row.
    public func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }
}

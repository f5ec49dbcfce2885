#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DropJSON

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
    /// Where each field of the record last read is, from the record's first byte in the
    /// window: the fields are not copied out of the file's bytes, and the few with an escaped
    /// quote are unescaped where they lie (they only get shorter). Memory of the reader's own,
    /// reused across records.
    private var fields = FieldBounds()
    /// The window offset of the record last read, which `fields` counts from.
    private var fieldsBase = 0

    /// Bytes of the record last read, its final line feed left out.
    public var recordByteCount: Int { cursor - fieldsBase - (isFinished ? 0 : 1) }

    /// Where the record last read starts in the file: a place a reader of a segment can start.
    public private(set) var recordOffset: Int64 = 0
    /// A record that outgrows the window past this is not read on: `nextFields` throws, and
    /// memory stays bounded whatever the file holds (a 100 MB line, a binary file without line
    /// feeds). Checked only when the window must grow, not as each record ends (a check there
    /// cost a tenth of the reading time): a shorter record over the limit is for the caller to
    /// find with `recordByteCount`.
    private let maxRecordBytes: Int

    /// Opens the file. Nothing is read until the first `next()`.
    /// - Parameter onBytes: sees every byte of the file, byte order mark included, in order,
    ///   before it is parsed (the engine hashes the file with it); of a gzip file, the
    ///   compressed bytes.
    public init(
        path: String, maxRecordBytes: Int = .max, decompression: Decompression = .none, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws(FileReadError) {
        file = try ChunkedFileReader(path: path, decompression: decompression, onBytes: onBytes)
        self.maxRecordBytes = maxRecordBytes
    }

    /// Why a gzip file's records ended before its bytes did (`ChunkedFileReader.damage`).
    public var damage: String? { file.damage }

    /// Opens one segment of the file: `range` must start where a record starts (a
    /// `recordOffset` an earlier reader of the whole file gave), on line `firstLine`, so that
    /// its records are exactly those a reader of the whole file returns there.
    public init(
        path: String, range: Range<Int64>, firstLine: Int, maxRecordBytes: Int = .max, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws(FileReadError) {
        file = try ChunkedFileReader(path: path, range: range, onBytes: onBytes)
        self.maxRecordBytes = maxRecordBytes
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
                    position = ByteWords.first(ASCII.comma, orLineFeedIn: bytes, from: position, to: end)
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
                        out.append(from: fieldStart - recordStart, to: fieldEnd - recordStart)
                    } else {
                        out.appendQuoted(bytes + recordStart, from: fieldStart - recordStart, to: fieldEnd - recordStart, hasEscapedQuotes: hasEscapedQuotes, hasTrailingText: true)
                    }
                    position += 1
                    if isLineEnd { return finishRecord(line: recordLine, start: recordStart, next: position) }
                    state = .fieldStart
                case .quoted:
                    while true {
                        position = ByteWords.first(ASCII.quote, orLineFeedIn: bytes, from: position, to: end)
                        guard position < end, bytes[position] == ASCII.lineFeed else { break }
                        line += 1
                        position += 1
                        lineStart = position
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
                        out.appendQuoted(bytes + recordStart, from: fieldStart - recordStart, to: position - recordStart, hasEscapedQuotes: hasEscapedQuotes, hasTrailingText: false)
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
                if position - recordStart > maxRecordBytes { throw FormatError.recordTooLong(line: recordLine, limit: maxRecordBytes) }
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
            fieldsBase = recordStart
            return try finishAtEnd(
                state: state, out: &out, recordLine: recordLine, recordStart: recordStart, fieldStart: fieldStart,
                hasEscapedQuotes: hasEscapedQuotes,
                quote: (line: quoteLine, offset: quoteOffset, lineStart: quoteLineStart)
            )
        }
    }

    private func finishRecord(line recordLine: Int, start: Int, next: Int) -> Int {
        recordOffset = file.windowOffset + Int64(start)
        fieldsBase = start
        line += 1  // the record's final line feed
        cursor = next
        return recordLine
    }

    /// The end of the file ends the last record too: a missing final newline is common.
    private func finishAtEnd(
        state: State, out: inout FieldBounds, recordLine: Int, recordStart: Int, fieldStart: Int, hasEscapedQuotes: Bool,
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
            out.append(from: end - recordStart, to: end - recordStart)  // after a final comma: an empty field
        case .unquoted:
            if out.fieldCount == 0, fieldEnd == fieldStart { return nil }
            out.append(from: fieldStart - recordStart, to: fieldEnd - recordStart)
        case .quoteInQuoted, .afterClosingQuote:
            out.appendQuoted(
                bytes + recordStart, from: fieldStart - recordStart, to: fieldEnd - recordStart, hasEscapedQuotes: hasEscapedQuotes,
                hasTrailingText: state == .afterClosingQuote)
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
    var fieldsView: CSVFields { fields.view(base: file.storage + fieldsBase) }

}

/// Where a record's fields are: a start and an end per field, counted from the record's first
/// byte. Plain pointers into memory the reader owns (it frees them in `deinit`): copying this
/// struct copies a pointer, with no reference counting on the path of every field.
private struct FieldBounds {
    var bounds: UnsafeMutablePointer<Int> = .allocate(capacity: 128)
    var capacity = 64
    var fieldCount = 0

    func view(base: UnsafePointer<UInt8>) -> CSVFields {
        CSVFields(base: base, bounds: UnsafeBufferPointer(start: bounds, count: 2 * fieldCount))
    }

    func deallocate() {
        bounds.deallocate()
    }

    mutating func removeAll() {
        fieldCount = 0
    }

    @inline(__always)
    mutating func append(from start: Int, to end: Int) {
        if fieldCount == capacity { grow() }
        bounds[2 * fieldCount] = start
        bounds[2 * fieldCount + 1] = end
        fieldCount += 1
    }

    private mutating func grow() {
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: 4 * capacity)
        grown.update(from: bounds, count: 2 * fieldCount)
        bounds.deallocate()
        bounds = grown
        capacity *= 2
    }

    /// Appends a field that starts with a quote (`start` is on it): `""` inside the quotes is
    /// one quote, and anything after the closing quote is kept as it is. A field with either is
    /// unescaped in place, from `start` on: it is shorter than it was, so the bytes written
    /// never overtake those still to be read.
    mutating func appendQuoted(
        _ record: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int, hasEscapedQuotes: Bool, hasTrailingText: Bool
    ) {
        if !hasEscapedQuotes, !hasTrailingText {
            return append(from: start + 1, to: end - 1)
        }
        var written = start
        var index = start + 1
        while index < end {
            let byte = record[index]
            if byte == ASCII.quote {
                if index + 1 < end, record[index + 1] == ASCII.quote {
                    record[written] = ASCII.quote
                    written += 1
                    index += 2
                    continue
                }
                index += 1  // the closing quote; the rest is trailing text
                while index < end {
                    record[written] = record[index]
                    written += 1
                    index += 1
                }
                break
            }
            record[written] = byte
            written += 1
            index += 1
        }
        append(from: start, to: written)
    }
}

/// The fields of one CSV record as bytes, unescaped; valid only inside `CSVReader.withFields`.
public struct CSVFields {
    /// The record's first byte.
    @usableFromInline let base: UnsafePointer<UInt8>
    /// Field `i` is `base[bounds[2 * i] ..< bounds[2 * i + 1]]`; the fields lie in order.
    public let bounds: UnsafeBufferPointer<Int>

    @inlinable
    public var count: Int { bounds.count / 2 }

    /// Inlinable: read once a cell, from another module.
    @inlinable
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + bounds[2 * index], count: bounds[2 * index + 1] - bounds[2 * index])
    }

    /// Where field `index` is, counted from the record's start: what `bytes(_:)` takes.
    @inlinable
    public func range(of index: Int) -> Range<Int> {
        bounds[2 * index]..<bounds[2 * index + 1]
    }

    /// The bytes at `range`, counted from the record's start.
    @inlinable
    public func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// The bytes from the record's start to its last field's end, which every field lies in:
    /// to keep the record, keep these and `bounds`.
    public var span: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base, count: bounds.isEmpty ? 0 : bounds[bounds.count - 1])
    }

    /// The field as text. Invalid UTF-8 becomes U+FFFD rather than an error: a stray Latin-1
    /// byte in one cell should not sink a file, and the replacement is visible in the row.
    public func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }
}

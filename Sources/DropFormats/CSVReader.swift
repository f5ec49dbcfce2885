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
    /// The physical line of `cursor`.
    private var line = 1
    private var hasStarted = false
    private var isFinished = false
    /// Unescaping space for quoted fields with `""` or trailing text; reused across fields.
    private var scratch: [UInt8] = []
    /// The previous record's width, to size the next record's array in one allocation.
    private var expectedFieldCount = 8

    /// Opens the file. Nothing is read until the first `next()`.
    /// - Parameter onBytes: sees every byte of the file, byte order mark included, in order,
    ///   before it is parsed (the engine hashes the file with it).
    public init(path: String, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws(FileReadError) {
        file = try ChunkedFileReader(path: path, onBytes: onBytes)
    }

    public var path: String { file.path }

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterClosingQuote
    }

    /// Returns the next record, or nil at the end of the file. Throws `FileReadError` when
    /// the system fails to read, and `FormatError` for a quote that is never closed.
    public func next() throws -> CSVRecord? {
        if isFinished { return nil }
        if !hasStarted {
            hasStarted = true
            cursor = try file.skipByteOrderMark()
        }
        var fields: [String] = []
        fields.reserveCapacity(expectedFieldCount)
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
                    if isLineEnd, state == .unquoted, fields.isEmpty, fieldEnd == fieldStart {
                        // A blank line: no record, but still a line.
                        position += 1
                        line += 1
                        lineStart = position
                        recordStart = position
                        recordLine = line
                        state = .fieldStart
                        continue scan
                    }
                    fields.append(
                        state == .unquoted
                            ? decodePlain(bytes, from: fieldStart, to: fieldEnd)
                            : decodeQuoted(bytes, from: fieldStart, to: fieldEnd, hasEscapedQuotes: hasEscapedQuotes, hasTrailingText: true)
                    )
                    position += 1
                    if isLineEnd { return finishRecord(line: recordLine, fields: fields, next: position) }
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
                        fields.append(decodeQuoted(bytes, from: fieldStart, to: position, hasEscapedQuotes: hasEscapedQuotes, hasTrailingText: false))
                        position += 1
                        if byte == ASCII.lineFeed { return finishRecord(line: recordLine, fields: fields, next: position) }
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
            return try finishAtEnd(
                state: state, fields: fields, recordLine: recordLine, fieldStart: fieldStart,
                hasEscapedQuotes: hasEscapedQuotes,
                quote: (line: quoteLine, offset: quoteOffset, lineStart: quoteLineStart)
            )
        }
    }

    private func finishRecord(line recordLine: Int, fields: [String], next: Int) -> CSVRecord {
        line += 1  // the record's final line feed
        cursor = next
        expectedFieldCount = fields.count
        return CSVRecord(line: recordLine, fields: fields)
    }

    /// The end of the file ends the last record too: a missing final newline is common.
    private func finishAtEnd(
        state: State, fields: [String], recordLine: Int, fieldStart: Int, hasEscapedQuotes: Bool,
        quote: (line: Int, offset: Int, lineStart: Int)
    ) throws(FormatError) -> CSVRecord? {
        isFinished = true
        let bytes = file.storage
        let end = file.count
        cursor = end
        var fields = fields
        var fieldEnd = end
        if state == .unquoted || state == .afterClosingQuote, fieldEnd > fieldStart,
            bytes[fieldEnd - 1] == ASCII.carriageReturn
        {
            fieldEnd -= 1
        }
        switch state {
        case .fieldStart:
            if fields.isEmpty { return nil }
            fields.append("")
        case .unquoted:
            if fields.isEmpty, fieldEnd == fieldStart { return nil }
            fields.append(decodePlain(bytes, from: fieldStart, to: fieldEnd))
        case .quoteInQuoted, .afterClosingQuote:
            fields.append(
                decodeQuoted(bytes, from: fieldStart, to: fieldEnd, hasEscapedQuotes: hasEscapedQuotes,
                             hasTrailingText: state == .afterClosingQuote))
        case .quoted:
            let prefix = UnsafeRawBufferPointer(start: bytes + quote.lineStart, count: quote.offset - quote.lineStart)
            let column = TextLocation.locate(offset: prefix.count, in: prefix, firstLine: quote.line).column
            throw FormatError(
                line: quote.line, position: column,
                message: "expected a closing '\"' for the quote opened here, before the end of the file")
        }
        return CSVRecord(line: recordLine, fields: fields)
    }

    /// Invalid UTF-8 becomes U+FFFD rather than an error: a stray Latin-1 byte in one cell
    /// should not sink a file, and the replacement is visible to whoever reads the row.
    @inline(__always)
    private func decodePlain(_ bytes: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
    }

    /// Decodes a field that starts with a quote (`start` is on it): `""` inside the quotes is
    /// one quote, and anything after the closing quote is kept as it is.
    private func decodeQuoted(
        _ bytes: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int, hasEscapedQuotes: Bool, hasTrailingText: Bool
    ) -> String {
        if !hasEscapedQuotes, !hasTrailingText {
            return decodePlain(bytes, from: start + 1, to: end - 1)
        }
        scratch.removeAll(keepingCapacity: true)
        var index = start + 1
        var runStart = index
        while index < end {
            guard bytes[index] == ASCII.quote else {
                index += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: index - runStart))
            if index + 1 < end, bytes[index + 1] == ASCII.quote {
                scratch.append(ASCII.quote)
                index += 2
                runStart = index
                continue
            }
            runStart = index + 1  // the closing quote; the rest is trailing text
            break
        }
        scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: end - runStart))
        return String(decoding: scratch, as: UTF8.self)
    }
}

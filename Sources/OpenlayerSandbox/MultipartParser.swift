import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming parser of `multipart/form-data` bodies (RFC 7578 over RFC 2046): bytes go in as
/// they arrive, events come out (a part's headers, pieces of its body, its end, the form's end).
///
/// Streaming because an upload's `file` part is a whole batch file: the parser never holds more
/// than the input not yet consumed, and of a part's body it keeps back only the few bytes that
/// could be the start of a boundary split across two chunks. Its errors are 400s, with S3's
/// habit of saying what was wrong with the form.
///
/// Written here rather than taken from vapor/multipart-kit 4.7.1, which was tried: its
/// streaming parser kept these properties, but it scans a body byte by byte, and in a debug
/// build — the one the tests and `make demo` run — it read a 100 MiB file part in 44 s (about
/// 2.3 MB/s), where this parser takes 0.02 s; a bulk file dropped in the demo would wait on it.
struct MultipartParser {
    enum Event: Equatable {
        case partStart(MultipartPartHeaders)
        case body(ByteBuffer)
        case partEnd
        case end
    }

    private enum State {
        /// Before the first boundary: bytes are ignored.
        case preamble
        /// Just after a boundary: `--` ends the form, a line break starts a part.
        case afterBoundary
        case headers
        case body
        /// After the closing boundary: bytes are ignored.
        case epilogue
    }

    /// Larger header blocks are refused rather than buffered: a form's part headers are a
    /// `Content-Disposition` and perhaps a `Content-Type`.
    static let maximumHeaderBytes = 16 * 1024

    /// `CRLF--boundary`: the line break before a boundary belongs to the boundary, not the body.
    private let delimiter: [UInt8]
    private var pending: [UInt8]
    private var state = State.preamble

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // A line break of our own, so that a first boundary at the very start matches too.
        pending = Array("\r\n".utf8)
    }

    /// The boundary of a `Content-Type: multipart/form-data; boundary=...`, or `nil` when the
    /// type is another or has none.
    static func boundary(contentType: String) -> String? {
        let parameters = HeaderParameters(contentType)
        guard parameters.value.lowercased() == "multipart/form-data",
            let boundary = parameters["boundary"], (1...70).contains(boundary.utf8.count)
        else { return nil }
        return boundary
    }

    mutating func append(_ buffer: ByteBuffer) {
        pending.append(contentsOf: buffer.readableBytesView)
    }

    /// The next event, or `nil` when more input is needed (and forever after `.end`).
    /// - Parameter atEnd: no more input will come; a form that is not complete is then an error.
    mutating func next(atEnd: Bool) throws(SandboxError) -> Event? {
        while true {
            switch state {
            case .preamble:
                guard let index = find(delimiter) else {
                    if atEnd { throw Self.malformed("no boundary found; check the boundary of the Content-Type") }
                    keepTail()
                    return nil
                }
                pending.removeFirst(index + delimiter.count)
                state = .afterBoundary
            case .afterBoundary:
                guard pending.count >= 2 else {
                    if atEnd { throw Self.malformed("the body ends right after a boundary") }
                    return nil
                }
                if pending[0] == UInt8(ascii: "-"), pending[1] == UInt8(ascii: "-") {
                    pending.removeAll()
                    state = .epilogue
                    return .end
                }
                guard let lineEnd = find(Self.lineBreak) else {
                    if atEnd || pending.count > 256 {
                        throw Self.malformed("a boundary is not followed by a line break")
                    }
                    return nil
                }
                guard pending[..<lineEnd].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else {
                    throw Self.malformed("a boundary is followed by text")
                }
                pending.removeFirst(lineEnd + Self.lineBreak.count)
                state = .headers
            case .headers:
                // A part without headers: the blank line comes at once.
                let blockEnd: Int
                let separatorLength: Int
                if pending.starts(with: Self.lineBreak) {
                    (blockEnd, separatorLength) = (0, Self.lineBreak.count)
                } else if let index = find(Self.blankLine) {
                    (blockEnd, separatorLength) = (index, Self.blankLine.count)
                } else {
                    if pending.count > Self.maximumHeaderBytes {
                        throw Self.malformed("a part's headers exceed \(Self.maximumHeaderBytes) bytes")
                    }
                    if atEnd { throw Self.malformed("the body ends inside a part's headers") }
                    return nil
                }
                let headers = try MultipartPartHeaders(block: pending[..<blockEnd])
                pending.removeFirst(blockEnd + separatorLength)
                state = .body
                return .partStart(headers)
            case .body:
                if let index = find(delimiter) {
                    if index > 0 {
                        let chunk = ByteBuffer(bytes: pending[..<index])
                        pending.removeFirst(index)
                        return .body(chunk)
                    }
                    pending.removeFirst(delimiter.count)
                    state = .afterBoundary
                    return .partEnd
                }
                if atEnd { throw Self.malformed("the body ends inside a part, before its closing boundary") }
                let safe = pending.count - (delimiter.count - 1)
                guard safe > 0 else { return nil }
                let chunk = ByteBuffer(bytes: pending[..<safe])
                pending.removeFirst(safe)
                return .body(chunk)
            case .epilogue:
                pending.removeAll()
                return nil
            }
        }
    }

    /// Keeps only the bytes that could begin a delimiter cut by the end of the input so far.
    private mutating func keepTail() {
        let excess = pending.count - (delimiter.count - 1)
        if excess > 0 { pending.removeFirst(excess) }
    }

    /// The first index of `needle` in `pending`: `memchr` for its first byte, then `memcmp`.
    /// Boundaries are rare in the data, so this is close to one pass over the bytes, at the
    /// speed of C even in a debug build (a 300 MB upload must not take minutes there).
    private func find(_ needle: [UInt8]) -> Int? {
        guard pending.count >= needle.count, let first = needle.first else { return nil }
        return pending.withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { needle -> Int? in
                guard let base = haystack.baseAddress, let needleBase = needle.baseAddress else { return nil }
                var index = 0
                let last = haystack.count - needle.count
                while index <= last {
                    guard let found = memchr(base + index, Int32(first), last - index + 1) else { return nil }
                    let offset = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(found, needleBase, needle.count) == 0 { return offset }
                    index = offset + 1
                }
                return nil
            }
        }
    }

    private static let lineBreak = Array("\r\n".utf8)
    private static let blankLine = Array("\r\n\r\n".utf8)

    static func malformed(_ problem: String) -> SandboxError {
        .badRequest("Malformed multipart/form-data body: \(problem).")
    }
}

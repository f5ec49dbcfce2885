import Hummingbird

/// Reads a request's `multipart/form-data` body part by part as it arrives: `MultipartParser`
/// fed from the request's body stream.
///
/// A class because a part's body is handed out as an `AsyncSequence` (`partBody`) that a file
/// writer consumes, after which the same reader goes on to the next part. Used by one task, so
/// not `Sendable`.
final class MultipartReader {
    private var body: RequestBody.AsyncIterator
    private var parser: MultipartParser
    private var inputEnded = false

    /// Fails with a 400 when the request is not `multipart/form-data` with a boundary.
    init(_ request: Request) throws(SandboxError) {
        guard let contentType = request.headers[.contentType],
            let boundary = MultipartParser.boundary(contentType: contentType)
        else {
            throw .badRequest("The upload must be a multipart/form-data POST with a boundary in its Content-Type.")
        }
        body = request.body.makeAsyncIterator()
        parser = MultipartParser(boundary: boundary)
    }

    /// The headers of the next part, skipping what is left of the current one; `nil` at the
    /// end of the form.
    func nextPart() async throws -> MultipartPartHeaders? {
        while let event = try await nextEvent() {
            if case .partStart(let headers) = event { return headers }
        }
        return nil
    }

    /// The next piece of the current part's body, or `nil` at its end.
    func nextChunk() async throws -> ByteBuffer? {
        guard let event = try await nextEvent(), case .body(let chunk) = event else { return nil }
        return chunk
    }

    /// The rest of the current part, for a form field: at most `limit` bytes, else a 400.
    func collectPart(limit: Int, name: String) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let chunk = try await nextChunk() {
            guard bytes.count + chunk.readableBytes <= limit else {
                throw SandboxError.badRequest("Form field '\(name)' is longer than \(limit) bytes.")
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    /// The rest of the current part, as a sequence to stream to a file.
    var partBody: PartBody { PartBody(reader: self) }

    struct PartBody: AsyncSequence {
        typealias Element = ByteBuffer
        let reader: MultipartReader

        struct AsyncIterator: AsyncIteratorProtocol {
            let reader: MultipartReader
            mutating func next() async throws -> ByteBuffer? { try await reader.nextChunk() }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reader: reader) }
    }

    /// The parser's next event, reading more of the body as long as it needs more; `nil` once
    /// the form has ended (its epilogue read to the end of the body).
    private func nextEvent() async throws -> MultipartParser.Event? {
        while true {
            if let event = try parser.next(atEnd: inputEnded) { return event }
            if inputEnded { return nil }
            if let buffer = try await body.next() {
                parser.append(buffer)
            } else {
                inputEnded = true
            }
        }
    }
}

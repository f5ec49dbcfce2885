import DropFormats

/// Reads the encapsulated messages of an Arrow IPC stream one at a time through a
/// `ChunkedFileReader` window, so memory is bounded by the largest message, not the file.
/// It knows the framing (marker, length, metadata, body) and where each message starts, and
/// turns every problem into an `ArrowError` that names the file and the byte.
final class ArrowMessageReader {
    let path: String
    private let file: ChunkedFileReader
    /// The file offset of the window's first byte.
    private var windowStart = 0
    /// Window bytes of the message last returned, dropped before the next one is read.
    private var consumed = 0
    private var body = 0..<0
    private var isAtEnd = false
    /// The file offset of the message last returned, for errors found while decoding its body.
    private(set) var messageOffset = 0

    init(path: String) throws {
        self.path = path
        self.file = try ChunkedFileReader(path: path, onBytes: nil)
    }

    /// The next message's metadata, its body loaded; nil at the end-of-stream marker or at the
    /// end of the file between messages (which Arrow's format also allows as the end).
    func next() throws -> ArrowMessage? {
        file.discard(upTo: consumed)
        windowStart += consumed
        consumed = 0
        messageOffset = windowStart
        guard !isAtEnd else { return nil }

        try file.fill(atLeast: 8)
        if file.count == 0 {
            isAtEnd = true
            return nil
        }
        guard file.count >= 8 else { throw malformed("the stream ends inside a message prefix") }
        guard load(UInt32.self, at: 0) == 0xFFFF_FFFF else {
            // In file order, as a hex dump shows them; a pre-0.15 stream (no marker) lands here too.
            let found = file.bytes[0..<4].map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0" + $0 : $0 }
            throw malformed("expected the continuation marker FF FF FF FF, found \(found.joined(separator: " "))")
        }
        let metadataLength = Int(load(Int32.self, at: 4))
        if metadataLength == 0 {
            isAtEnd = true
            consumed = 8
            return nil
        }
        guard metadataLength > 0 else { throw malformed("negative metadata length \(metadataLength)") }

        try file.fill(atLeast: 8 + metadataLength)
        guard file.count >= 8 + metadataLength else {
            throw malformed("the stream ends inside a message's metadata (\(metadataLength) bytes announced)")
        }
        let metadata = Array(UnsafeRawBufferPointer(rebasing: file.bytes[8..<(8 + metadataLength)]))
        let (message, bodyLength) = try decoding { () throws(ArrowDecodingProblem) in try ArrowMessage.decode(metadata) }

        let end = 8 + metadataLength + bodyLength
        try file.fill(atLeast: end)
        guard file.count >= end else {
            throw malformed("the stream ends inside a message body: \(file.count - 8 - metadataLength) of \(bodyLength) bytes")
        }
        body = (8 + metadataLength)..<end
        consumed = end
        return message
    }

    /// The body of the message last returned by `next()`, valid until `next()` is called again.
    func withBody<Result>(_ work: (UnsafeRawBufferPointer) throws(ArrowDecodingProblem) -> Result) throws -> Result {
        let bytes = UnsafeRawBufferPointer(rebasing: file.bytes[body])
        return try decoding { () throws(ArrowDecodingProblem) in try work(bytes) }
    }

    /// An error about the message last returned (or being read).
    func malformed(_ reason: String) -> ArrowError {
        .malformed(path: path, offset: messageOffset, reason: reason)
    }

    func unsupported(_ reason: String) -> ArrowError {
        .unsupported(path: path, offset: messageOffset, reason: reason)
    }

    private func decoding<Result>(_ work: () throws(ArrowDecodingProblem) -> Result) throws(ArrowError) -> Result {
        do {
            return try work()
        } catch {
            switch error {
            case .malformed(let reason): throw malformed(reason)
            case .unsupported(let reason): throw unsupported(reason)
            }
        }
    }

    private func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(littleEndian: file.bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

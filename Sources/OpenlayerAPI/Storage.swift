import NIOCore

/// Where Openlayer's presigned URLs point, which decides how a file is uploaded to them.
/// The official SDK's default is `s3`.
public enum StorageKind: String, Sendable, Codable, CaseIterable {
    /// Multipart/form-data POST: every presigned field first, the file last under `file`.
    case s3
    /// PUT of the raw bytes.
    case gcs
    /// PUT of the raw bytes with `x-ms-blob-type: BlockBlob`.
    case azure
    /// Multipart/form-data POST with only `file` (a self-hosted deployment).
    case local

    /// The content type the official SDK's `Uploader` gives every upload, Arrow file or
    /// tarball alike: the file part's type in a multipart POST, the request's in a PUT.
    /// Openlayer signs presigned GCS URLs with it, and such a URL answers 403 to any other.
    public var uploadContentType: String {
        switch self {
        case .s3, .local: "application/x-tar"
        case .gcs, .azure: "application/x-gzip"
        }
    }
}

/// The answer of `POST /storage/presigned-url`.
public struct PresignedURL: Sendable, Decodable, Equatable {
    /// Where to upload; takes no Authorization header.
    public var url: String
    /// What to tell the API once the upload is done.
    public var storageUri: String
    /// Form fields an S3 upload must carry before the file.
    public var fields: [String: String]?

    public init(url: String, storageUri: String, fields: [String: String]?) {
        self.url = url
        self.storageUri = storageUri
        self.fields = fields
    }
}

/// The bytes of an upload, read afresh for every attempt, so that a retry after a failed
/// upload sends the whole object again without it ever being held in memory.
public struct UploadSource: Sendable {
    public var length: Int64
    public var chunks: @Sendable () -> AsyncThrowingStream<ByteBuffer, any Error>

    public init(length: Int64, chunks: @escaping @Sendable () -> AsyncThrowingStream<ByteBuffer, any Error>) {
        self.length = length
        self.chunks = chunks
    }
}

/// A multipart/form-data body around a streamed file, its length known in advance so that it
/// goes with a Content-Length (S3's presigned POST refuses chunked bodies).
struct MultipartUpload {
    let boundary: String
    let head: [UInt8]
    let tail: [UInt8]

    init(fields: [(String, String)], fileName: String, contentType: String) {
        boundary = "openlayer-drop-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var head = ""
        for (name, value) in fields {
            head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n"
        head += "Content-Type: \(contentType)\r\n\r\n"
        self.head = Array(head.utf8)
        tail = Array("\r\n--\(boundary)--\r\n".utf8)
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    func length(fileLength: Int64) -> Int64 { Int64(head.count) + fileLength + Int64(tail.count) }

    /// The head, the file's chunks, the tail: each produced only when the HTTP client asks for
    /// it, so that a slow upload holds one chunk in memory, not whatever the disk read ahead.
    func body(around source: UploadSource) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let parts = MultipartParts(head: head, chunks: source.chunks(), tail: tail)
        return AsyncThrowingStream(unfolding: { try await parts.next() })
    }
}

/// The parts of a multipart body in order, one at a time. Unchecked `Sendable`: one request
/// reads one body, asking for the next part only once it has the last.
private final class MultipartParts: @unchecked Sendable {
    private enum Step {
        case head, file, done
    }

    private let head: [UInt8]
    private let tail: [UInt8]
    private var chunks: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
    private var step = Step.head

    init(head: [UInt8], chunks: AsyncThrowingStream<ByteBuffer, any Error>, tail: [UInt8]) {
        self.head = head
        self.tail = tail
        self.chunks = chunks.makeAsyncIterator()
    }

    func next() async throws -> ByteBuffer? {
        switch step {
        case .head:
            step = .file
            return ByteBuffer(bytes: head)
        case .file:
            if let chunk = try await chunks.next() { return chunk }
            step = .done
            return ByteBuffer(bytes: tail)
        case .done:
            return nil
        }
    }
}

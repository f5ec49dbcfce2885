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

    func body(around source: UploadSource) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let head = self.head
        let tail = self.tail
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    continuation.yield(ByteBuffer(bytes: head))
                    for try await chunk in source.chunks() { continuation.yield(chunk) }
                    continuation.yield(ByteBuffer(bytes: tail))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

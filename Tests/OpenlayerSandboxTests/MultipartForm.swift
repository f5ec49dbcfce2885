/// Builds `multipart/form-data` bodies the way `requests_toolbelt.MultipartEncoder` (the SDK's
/// encoder) does: each part opened by `--boundary`, a `Content-Disposition`, a blank line.
struct MultipartForm {
    struct Part {
        var name: String
        var fileName: String?
        var bytes: [UInt8]
    }

    var boundary = "sandbox-test-boundary-8f3a1c"
    var parts: [Part] = []

    mutating func field(_ name: String, _ value: String) {
        parts.append(Part(name: name, bytes: Array(value.utf8)))
    }

    mutating func file(_ name: String = "file", fileName: String, _ bytes: [UInt8]) {
        parts.append(Part(name: name, fileName: fileName, bytes: bytes))
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var body: [UInt8] {
        var body: [UInt8] = []
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let fileName = part.fileName {
                // The SDK's Uploader gives the file part this type, Arrow file or tarball alike.
                head += "; filename=\"\(fileName)\"\r\nContent-Type: application/x-tar"
            }
            body += Array((head + "\r\n\r\n").utf8) + part.bytes + Array("\r\n".utf8)
        }
        return body + Array("--\(boundary)--\r\n".utf8)
    }
}

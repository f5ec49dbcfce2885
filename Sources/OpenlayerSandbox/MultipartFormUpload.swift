import DropJSON
import Hummingbird

/// Receives an upload made as a multipart form (S3's presigned POST, a local deployment's
/// endpoint) and streams its `file` part to disk.
///
/// The rules are S3's: the fields handed out with the URL must all come before `file`, each
/// with its value unchanged (names are case-insensitive, as S3 has them), none may be added,
/// and `file` must be the last part. S3 refuses a form that breaks them with a 400, so a client
/// that got the order wrong must fail here too. A local deployment hands out no fields, so its
/// form is just `file`.
struct MultipartFormUpload {
    /// The fields of the presigned URL, empty for local storage.
    let expectedFields: JSONObject
    /// Field values are short (S3's policy is a few KiB); a longer one is refused, not buffered.
    static let maximumFieldBytes = 64 * 1024

    /// Streams the `file` part to `path`; returns the content type that part declared.
    @discardableResult
    func receive(_ request: Request, to path: String, context: SandboxRequestContext) async throws -> String? {
        let reader = try MultipartReader(request)
        var expected: [String: String] = [:]
        for field in expectedFields.fields {
            expected[field.key.lowercased()] = field.value.stringValue ?? ""
        }
        var received: Set<String> = []
        while let part = try await reader.nextPart() {
            let name = part.name.lowercased()
            if name == "file" {
                let missing = expectedFields.keys.filter { !received.contains($0.lowercased()) }
                guard missing.isEmpty else {
                    throw SandboxError.badRequest(
                        "The form must send every presigned field before 'file'; missing before it: "
                            + missing.map { "'\($0)'" }.joined(separator: ", ") + "."
                    )
                }
                try await FileIO().writeFile(contents: reader.partBody, path: path, context: context)
                if let next = try await reader.nextPart() {
                    throw SandboxError.badRequest(
                        "'file' must be the last field of the form, but '\(next.name)' follows it."
                    )
                }
                return part.contentType
            }
            guard let value = expected[name] else {
                throw SandboxError.badRequest(
                    expected.isEmpty
                        ? "This upload takes a form with just 'file'; '\(part.name)' is not expected."
                        : "Form field '\(part.name)' was not presigned (extra input fields are refused, as by S3)."
                )
            }
            guard received.insert(name).inserted else {
                throw SandboxError.badRequest("Form field '\(part.name)' is sent twice.")
            }
            let bytes = try await reader.collectPart(limit: Self.maximumFieldBytes, name: part.name)
            guard String(decoding: bytes, as: UTF8.self) == value else {
                throw SandboxError.badRequest("Form field '\(part.name)' differs from the presigned value.")
            }
        }
        throw SandboxError.badRequest("The form has no 'file' field.")
    }
}

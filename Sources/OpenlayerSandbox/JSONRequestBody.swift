import DropJSON
import Hummingbird

/// Reads a request body as a `JSONValue`.
///
/// Bodies are parsed with DropJSON's parser instead of `Codable` because the data-stream
/// route must keep each row exactly as sent — integer or double, key order — to store it and
/// hand it back to tests that check the uploader did not change a value's type.
enum JSONRequestBody {
    /// The parsed body, or a 400 naming the parse error. An empty body is a 400 too: every
    /// route that reads a body needs an object.
    static func parse(_ request: inout Request, context: SandboxRequestContext) async throws -> JSONValue {
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw SandboxError.badRequest("The request body is empty; a JSON object was expected.")
        }
        do {
            return try buffer.withUnsafeReadableBytes { bytes throws(FormatError) in
                try JSONParser.parse(bytes)
            }
        } catch {
            throw SandboxError.badRequest("The request body is not valid JSON: \(error)")
        }
    }

    /// The body as an object, or a 400: the real API answers a non-object body as a bad request.
    static func parseObject(_ request: inout Request, context: SandboxRequestContext) async throws -> JSONObject {
        guard case .object(let object) = try await parse(&request, context: context) else {
            throw SandboxError.badRequest("The request body must be a JSON object.")
        }
        return object
    }
}

import DropFormats
import Hummingbird

/// An error answered to the client with a status and an `{"error": "...", "code": N}` body.
///
/// Openlayer answers failures with a JSON object whose `error` member is a readable message
/// (the SDKs surface that member); Hummingbird's own `HTTPError` would answer
/// `{"error": {"message": ...}}`, which a client written against the real API would misread.
/// `headers` carry what an injected failure adds (`Retry-After` and the like).
struct SandboxError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    static func badRequest(_ message: String) -> Self { .init(.badRequest, message) }
    static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    static func conflict(_ message: String) -> Self { .init(.conflict, message) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(
            .object(.init(pairs: ["error": .string(message), "code": .integer(Int64(status.code))])),
            status: status
        )
        response.headers.append(contentsOf: headers)
        return response
    }
}

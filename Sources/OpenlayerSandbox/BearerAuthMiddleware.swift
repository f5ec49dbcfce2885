import Hummingbird

/// Refuses every request whose `Authorization` header is not `Bearer <the configured key>`.
///
/// It runs before routing, so an unknown path without a key is a 401 too, as on the real API:
/// a client that lost its key sees the same error whatever it calls. The key is compared in
/// time independent of where it differs, the habit for secrets even on loopback.
///
/// The one exception is the presigned upload URLs (`exemptPrefix` followed by one path segment,
/// the upload id): a client uploads to storage without its Openlayer key, as the SDK does, and
/// the unguessable upload id plays the signature's part.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expected: [UInt8]
    private let exemptPrefix: String?

    init(apiKey: String, exemptPrefix: String? = nil) {
        expected = Array("Bearer \(apiKey)".utf8)
        self.exemptPrefix = exemptPrefix
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if isExempt(request.uri.path) {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw SandboxError(.unauthorized, "Missing Authorization header; send 'Authorization: Bearer <API key>'.")
        }
        guard Self.constantTimeEqual(Array(header.utf8), expected) else {
            throw SandboxError(.unauthorized, "Invalid API key.")
        }
        return try await next(request, context)
    }

    private func isExempt(_ path: String) -> Bool {
        guard let exemptPrefix, path.hasPrefix(exemptPrefix) else { return false }
        let rest = path.dropFirst(exemptPrefix.count)
        return !rest.isEmpty && !rest.contains("/")
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}

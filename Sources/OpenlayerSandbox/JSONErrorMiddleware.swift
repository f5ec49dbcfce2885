import Hummingbird

/// Gives Hummingbird's own errors the sandbox's error body.
///
/// The router answers an unknown path by throwing `HTTPError(.notFound)` and the body
/// collector an oversized body with `HTTPError(.contentTooLarge)`; both would otherwise reach
/// the client with Hummingbird's body shape (or none), while a client of Openlayer expects
/// `{"error": "..."}` on every failure.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            throw SandboxError(error.status, error.body ?? "\(error.status.code) \(error.status.reasonPhrase)")
        }
    }
}

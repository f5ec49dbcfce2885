import Hummingbird

/// Answers 401 to every request of its group while the `unauthorized` fault is set, as if the
/// key had been revoked.
///
/// It guards the API routes other than data routes (`DataFaultMiddleware` refuses those itself,
/// so that the refusals are logged) and is left off `/v1/sandbox/*`, which a test needs to
/// lift the fault and read the log. Being a group middleware, it runs only for paths that
/// exist: an unknown path stays a 404 while the fault is set.
struct UnauthorizedFaultMiddleware<Context: RequestContext>: RouterMiddleware {
    let faults: FaultInjector

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let refusal = faults.unauthorizedError { throw refusal }
        return try await next(request, context)
    }
}

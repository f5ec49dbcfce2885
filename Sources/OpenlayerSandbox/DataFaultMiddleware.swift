import DropFormats
import Hummingbird

/// Injects the faults of `FaultInjector` into data requests: the routes that publish rows, all
/// registered on one router group behind this middleware, with the pipeline id as their
/// `:pipelineId` parameter.
///
/// A middleware rather than a call in each handler, so that a data route added later cannot
/// forget the faults. A request failed on purpose (`failNext`, or the 401 of `unauthorized`)
/// stores nothing but is logged like any data request, with the status answered, because tests
/// of a client's back-off read the log's receive times. A dropped request (`dropNext`) is read
/// to the end, logged with status 0 (shown as `"dropped": true`), and its connection closed with
/// no answer at all. Latency is waited after the request is handled (its rows stored, its log
/// entry written) and before the answer leaves: the case of a slow answer that a client gives
/// up on although the rows were kept, which is where duplicates come from.
struct DataFaultMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    let faults: FaultInjector
    let store: SandboxStore

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let receivedAt = Timestamp.nowMilliseconds()
        let fault = faults.takeDataFault()
        switch fault.outcome {
        case .handle:
            let response: Response
            do {
                response = try await next(request, context)
            } catch {
                await Self.wait(fault.latency)
                throw error
            }
            await Self.wait(fault.latency)
            return response
        case .answer(let error):
            try await log(request, context: context, receivedAt: receivedAt, status: Int(error.status.code))
            await Self.wait(fault.latency)
            throw error
        case .drop:
            try await log(request, context: context, receivedAt: receivedAt, status: 0)
            await Self.wait(fault.latency)
            await context.closeConnection()
            // Never delivered: the connection is closed, so writing it fails quietly.
            return Response(status: .serviceUnavailable)
        }
    }

    /// Reads the whole body (a client must have sent it all before it is failed or dropped, as
    /// when a real server fails after the upload) and logs the request with what it could parse.
    private func log(_ request: Request, context: Context, receivedAt: Int64, status: Int) async throws {
        var request = request
        let body = try? await JSONRequestBody.parse(&request, context: context)
        let entry = DataRequestRecord(
            kind: DataRequestKind(dataRequest: request), pipelineId: context.parameters.get("pipelineId") ?? "",
            receivedAt: receivedAt, body: body, status: status
        )
        try await store.record(entry, rows: [])
    }

    /// Sleeps unless the delay is zero; a cancelled sleep just ends early.
    private static func wait(_ delay: Duration) async {
        guard delay > .zero else { return }
        try? await Task.sleep(for: delay)
    }
}

import DropFormats
import Hummingbird

/// `GET`, `PUT` and `DELETE /v1/sandbox/faults`: the faults the sandbox injects (see
/// `SandboxFaults` and `SandboxFaults+JSON` for the body).
///
/// `PUT` replaces the whole state, `DELETE` clears it; all three answer the state then in force,
/// counts being what remains. Like every route these need the key, but they are exempt from the
/// faults themselves, so a test can always lift what it set.
struct FaultRoutes: Sendable {
    let faults: FaultInjector

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.get("sandbox/faults", use: get)
        group.put("sandbox/faults", use: replace)
        group.delete("sandbox/faults", use: clear)
    }

    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        JSONResponse.make(faults.current.json)
    }

    @Sendable func replace(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        var request = request
        let settings = try SandboxFaults(json: try await JSONRequestBody.parseObject(&request, context: context))
        faults.replace(with: settings)
        return JSONResponse.make(settings.json)
    }

    @Sendable func clear(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        faults.replace(with: SandboxFaults())
        return JSONResponse.make(SandboxFaults().json)
    }
}

import Hummingbird
import Logging

/// Builds the sandbox server: opens (and migrates) the database, installs the key check and
/// every route under `/v1`, and binds to `configuration.host`/`port`. Throws
/// `SandboxFaults.Invalid` for invalid `configuration.faults`.
///
/// The application is returned unstarted so that the caller chooses how it runs: `run()`
/// inside a test's task group, `runService()` in the executable (which then stops on SIGINT
/// and SIGTERM). `onServerRunning` receives the port actually bound, which is how a caller
/// that asked for port 0 learns where to connect.
public func makeSandboxApplication(
    _ configuration: SandboxConfiguration,
    logger: Logger = Logger(label: "openlayer-sandbox"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    try configuration.faults.validate()
    let store = try SandboxStore(path: configuration.databasePath)
    let faults = FaultInjector(configuration.faults)

    let router = Router(context: SandboxRequestContext.self)
    router.add(middleware: JSONErrorMiddleware())
    router.add(middleware: BearerAuthMiddleware(apiKey: configuration.apiKey))
    let v1 = router.group("v1")
    // `/v1/sandbox/*`: exempt from fault injection, so a test can always lift a fault.
    SandboxRequestRoutes(store: store).register(on: v1)
    FaultRoutes(faults: faults).register(on: v1)
    // The API: subject to the `unauthorized` fault.
    let api = v1.group().add(middleware: UnauthorizedFaultMiddleware(faults: faults))
    ProjectRoutes(store: store).register(on: api)
    InferencePipelineRoutes(store: store).register(on: api)
    RowRoutes(store: store).register(on: api)
    // Data requests, the routes that publish rows: subject to every fault. New data routes
    // belong here.
    let data = v1.group().add(middleware: DataFaultMiddleware(faults: faults, store: store))
    DataStreamRoutes(store: store).register(on: data)

    let port = configuration.port
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: port),
            serverName: "openlayer-sandbox"
        ),
        onServerRunning: { channel in
            await onServerRunning(channel.localAddress?.port ?? port)
        },
        logger: logger
    )
}

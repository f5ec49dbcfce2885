import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL

/// Builds the sandbox server: opens (and migrates) the database, creates the storage directory,
/// installs the key check and every route under `/v1`, and binds to `configuration.host`/`port`.
/// Throws `SandboxFaults.Invalid` for invalid `configuration.faults`.
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
    let files = try StorageDirectory(path: configuration.storageDirectory)
    let faults = FaultInjector(configuration.faults)
    let address = ServerAddress(host: configuration.host, scheme: configuration.tls == nil ? "http" : "https")

    let router = Router(context: SandboxRequestContext.self)
    router.add(middleware: JSONErrorMiddleware())
    router.add(middleware: BearerAuthMiddleware(apiKey: configuration.apiKey, exemptPrefix: UploadRoutes.pathPrefix))
    let v1 = router.group("v1")
    // `/v1/sandbox/*`: exempt from fault injection, so a test can always lift a fault.
    SandboxRequestRoutes(store: store).register(on: v1)
    FaultRoutes(faults: faults).register(on: v1)
    GroundTruthRoutes(store: store).register(on: v1)
    ReferenceDatasetRoutes(store: store).register(on: v1)
    // Presigned uploads: storage, not Openlayer's API, so neither key nor faults.
    UploadRoutes(store: store, files: files).register(on: v1)
    // The API: subject to the `unauthorized` fault.
    let api = v1.group().add(middleware: UnauthorizedFaultMiddleware(faults: faults))
    ProjectRoutes(store: store).register(on: api)
    InferencePipelineRoutes(store: store, files: files).register(on: api)
    RowRoutes(store: store).register(on: api)
    PresignedURLRoutes(store: store, storage: configuration.storage, address: address).register(on: api)
    // Data requests, the routes that publish rows: subject to every fault. New data routes
    // belong here.
    let data = v1.group().add(middleware: DataFaultMiddleware(faults: faults, store: store))
    DataStreamRoutes(store: store).register(on: data)
    BatchDataRoutes(store: store, files: files).register(on: data)
    RowUpdateRoutes(store: store).register(on: data)

    let port = configuration.port
    return Application(
        router: router,
        server: try configuration.tls.map(httpsServer) ?? .http1(),
        configuration: .init(
            address: .hostname(configuration.host, port: port),
            serverName: "openlayer-sandbox"
        ),
        onServerRunning: { channel in
            let bound = channel.localAddress?.port ?? port
            address.serverRunning(port: bound)
            await onServerRunning(bound)
        },
        logger: logger
    )
}

/// HTTP/1.1 over TLS with the given PEM files; with a client CA, a client must present a
/// certificate it signed.
private func httpsServer(_ files: SandboxConfiguration.TLSFiles) throws -> HTTPServerBuilder {
    var tls = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(files.certificate).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: files.privateKey, format: .pem)))
    if let clientCA = files.clientCA {
        tls.trustRoots = .file(clientCA)
        tls.certificateVerification = .noHostnameVerification
    }
    return try .tls(.http1(), tlsConfiguration: tls)
}

import Hummingbird
import NIOCore

/// The request context of every sandbox route.
///
/// It raises the body limit: Hummingbird's default of 2 MiB is far below what a client may
/// send in one data-stream call (Openlayer publishes no limit, and a sandbox that refused a
/// batch the real API accepts would make tests fail for the wrong reason). And it keeps the
/// request's connection, so that fault injection can cut it off without an answer.
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    private let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// 256 MiB: larger than any batch a well-behaved client sends, small enough that a runaway
    /// client cannot exhaust memory on a developer's machine.
    var maxUploadSize: Int { 256 * 1024 * 1024 }

    /// Closes the request's connection (a FIN, since the body has been read) before any
    /// response is written: the client sees the connection end mid-request, as when a proxy or
    /// a crashing server drops it. The response the handler then returns fails to be written,
    /// which Hummingbird only logs at trace level. Closing twice is harmless, hence `try?`.
    func closeConnection() async {
        try? await channel.close()
    }
}

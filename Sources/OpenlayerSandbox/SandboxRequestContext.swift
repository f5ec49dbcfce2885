import Hummingbird

/// The request context of every sandbox route.
///
/// It exists only to raise the body limit: Hummingbird's default of 2 MiB is far below what a
/// client may send in one data-stream call (Openlayer publishes no limit, and a sandbox that
/// refused a batch the real API accepts would make tests fail for the wrong reason).
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// 256 MiB: larger than any batch a well-behaved client sends, small enough that a runaway
    /// client cannot exhaust memory on a developer's machine.
    var maxUploadSize: Int { 256 * 1024 * 1024 }
}

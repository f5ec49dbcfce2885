/// What the sandbox does to one data request, decided by `FaultInjector` when it arrives.
struct DataFault: Sendable {
    enum Outcome: Sendable {
        /// Handle the request as usual.
        case handle
        /// Store nothing and answer this error (an injected failure or the `unauthorized` 401).
        case answer(SandboxError)
        /// Read the body, store nothing, and close the connection without any answer.
        case drop
    }

    var outcome: Outcome
    /// Waited before answering, whatever the outcome.
    var latency: Duration
}

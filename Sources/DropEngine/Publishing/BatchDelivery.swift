import OpenlayerAPI

/// Carries out one call until the server settles its fate: acknowledged, or refused for good.
/// Transient failures are waited out (`RetryingCall`); they never drop anything.
struct BatchDelivery: Sendable {
    enum Outcome: Sendable, Equatable {
        case acknowledged
        /// A 4xx other than 401/403: the server's message, for the rejected rows.
        case refused(String)
        /// Shutdown came first. Nothing is acknowledged; it is done again later.
        case abandoned
    }

    let retrying: RetryingCall
    let send: @Sendable (DataStreamBatch) async throws(OpenlayerError) -> Void

    func deliver(_ batch: DataStreamBatch) async -> Outcome {
        let send = self.send
        return await attempt { () throws(OpenlayerError) in try await send(batch) }
    }

    /// Runs `operation` until it succeeds, is refused, or shutdown comes.
    func attempt(_ operation: @Sendable () async throws(OpenlayerError) -> Void) async -> Outcome {
        switch await retrying.run(operation) {
        case .succeeded: .acknowledged
        case .refused(let message): .refused(message)
        case .abandoned: .abandoned
        }
    }
}

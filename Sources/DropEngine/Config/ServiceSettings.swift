import OpenlayerAPI

/// How the service as a whole behaves: when a file counts as finished, how long a shutdown
/// may take, how failed requests are retried. Set under `service:`.
public struct ServiceSettings: Sendable {
    /// A file is taken only once it has not changed for this long (size, modification and
    /// status-change time), even after it was closed or renamed into the inbox.
    public var settleTime: Duration = .seconds(2)
    /// On SIGTERM or SIGINT the file in hand may finish its requests in flight for this long;
    /// what is not acknowledged by then is sent again at the next start.
    public var shutdownTimeout: Duration = .seconds(30)
    public var retry = RetryPolicy()
    /// How long a file held back by a local fault (a failed move, a read error) waits before
    /// it is taken up again.
    public var localRetryDelay: Duration = .seconds(5)
    /// How long the journal remembers a finished file (archived, rejected or a duplicate):
    /// its identity, for duplicate detection, and its inference ids, for the checks that warn
    /// about ids published twice or never. Older entries are forgotten, as a log shipper
    /// forgets the checkpoints of files long gone.
    public var journalRetention: Duration = .seconds(90 * 86_400)

    public init() {}
}

/// What the inbox watcher tells its consumer.
public enum InboxEvent: Sendable, Equatable {
    /// How a ready file came to be reported.
    public enum Arrival: Sendable, Equatable {
        /// Renamed or moved into the inbox (`IN_MOVED_TO`): a rename is atomic, so the file
        /// is complete as it appears.
        case renamed
        /// Closed after writing (`IN_CLOSE_WRITE`): complete unless its writer opens it again.
        case closedAfterWriting
        /// Found by a scan (at start, or after a queue overflow): how it got there is unknown.
        case found
        /// Created in place as something other than a regular file (a symbolic link, a FIFO):
        /// there is nothing to wait for.
        case created
    }

    /// An entry whose name passes the filter is complete at this absolute path: a regular file
    /// closed after writing, renamed or moved into the inbox, or found by a scan; or anything
    /// else that is not a directory (a symbolic link, a FIFO, a socket), which the consumer is to
    /// refuse. Links are never followed.
    ///
    /// The same path may be reported more than once (a scan and an event can both see a file,
    /// and a file rewritten in place is closed again); the consumer must deduplicate, e.g. by
    /// path plus size and modification time, or by content hash. The file may also already be
    /// gone when the consumer gets to it.
    case fileReady(path: String, arrival: Arrival)
    /// The kernel's event queue overflowed, so some events were lost. The watcher has
    /// re-established its watches; the consumer should list the inbox again
    /// (`InboxWatcher.scan()`) and treat every file found as ready.
    case rescanNeeded
    /// Sent once, after the watches are in place and the files already present were reported:
    /// from here on every finished file is reported as it arrives.
    case watching
}

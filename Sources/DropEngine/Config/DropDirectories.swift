/// Where files wait, go when done, go when refused, and where the service keeps its state.
///
/// By default all four live under one root:
/// `inbox/<pipeline>/`, `archive/<pipeline>/YYYY/MM/DD/`, `rejected/<pipeline>/`, `state/`
/// (the journal, and `processing/<pipeline>/` for the file in work).
public struct DropDirectories: Sendable, Equatable {
    public var inbox: String
    public var archive: String
    public var rejected: String
    public var state: String

    public init(inbox: String, archive: String, rejected: String, state: String) {
        self.inbox = inbox
        self.archive = archive
        self.rejected = rejected
        self.state = state
    }

    public init(root: String) {
        self.init(inbox: root + "/inbox", archive: root + "/archive", rejected: root + "/rejected", state: root + "/state")
    }

    public func inbox(of pipeline: String) -> String { inbox + "/" + pipeline }
    /// Where a pipeline's file sits while it is in work, out of reach of writers that reuse its name.
    public func processing(of pipeline: String) -> String { processing + "/" + pipeline }
    public var processing: String { state + "/processing" }
    public var journal: String { state + "/journal.sqlite" }
    /// What the running service says of a pipeline's health, for `status`.
    public func healthFile(of pipeline: String) -> String { state + "/health/" + pipeline + ".json" }
}

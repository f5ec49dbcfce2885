/// Where files wait, go when done, go when refused, and where the service keeps its state.
///
/// By default all four live under one root:
/// `inbox/<pipeline>/`, `archive/<pipeline>/YYYY/MM/DD/`, `rejected/<pipeline>/`, `state/`.
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
}

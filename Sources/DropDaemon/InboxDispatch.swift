import DropEngine
import DropFormats
import Foundation
import Logging

/// Hands each file the watcher reports to its pipeline's queue, or to `rejected/` when it is
/// in no pipeline's folder. It knows the queues of the pipelines configured now: a reload
/// installs and removes them here while the watcher goes on.
///
/// An actor, so that the watcher and a reload's rescan never reject the same stray file twice.
actor InboxDispatch {
    private let inbox: String
    private let archivist: Archivist
    private let logger: Logger
    private var queues: [String: PipelineQueue] = [:]
    private var router: InboxRouter
    /// Set at shutdown: a queue installed afterwards is closed at once, so no run waits on it.
    private var closed = false

    init(inbox: String, archivist: Archivist, logger: Logger) {
        self.inbox = inbox
        self.archivist = archivist
        self.logger = logger
        router = InboxRouter(inbox: inbox, pipelines: [])
    }

    /// The pipelines files are routed to.
    var pipelines: [String] { queues.keys.sorted() }

    /// Routes `name`'s files to `queue`, in place of its earlier queue if any. Returns false
    /// (and closes `queue`) when the service is shutting down.
    @discardableResult
    func install(_ queue: PipelineQueue, for name: String) async -> Bool {
        guard !closed else {
            await queue.close()
            return false
        }
        queues[name] = queue
        router = InboxRouter(inbox: inbox, pipelines: Set(queues.keys))
        return true
    }

    /// Stops routing to `name`: its folder becomes a stray folder, as if it had never been configured.
    func remove(_ name: String) {
        queues[name] = nil
        router = InboxRouter(inbox: inbox, pipelines: Set(queues.keys))
    }

    /// Closes every queue, at shutdown: each run finishes the file in hand and ends.
    func closeAll() async {
        closed = true
        for queue in queues.values { await queue.close() }
    }

    /// - Parameter complete: the file was renamed into the inbox, so it need not settle.
    func dispatch(_ path: String, complete: Bool) async {
        switch router.route(path) {
        case .pipeline(let name, let kind)?:
            if await queues[name]?.enqueue(path, kind: kind, complete: complete) == true {
                logger.debug("queued", metadata: ["pipeline": "\(name)", "kind": "\(kind.rawValue)", "file": "\(path)"])
            }
        case .stray(let folder, let reason)?:
            // Reported twice (an event and a rescan): the first report moved it.
            guard EntryType(path: path) != nil else { return }
            do {
                let report = try archivist.rejectUnroutable(path, folder: folder, reason: reason, at: Date())
                logger.warning("rejected a file outside any pipeline folder: \(reason)", metadata: ["file": "\(path)", "report": "\(report)"])
            } catch {
                logger.error("cannot move a stray file to rejected/", metadata: ["file": "\(path)", "error": "\(error)"])
            }
        case nil:
            break
        }
    }
}

import DropEngine
import Foundation
import InboxWatcher
import Logging
import OpenlayerAPI

/// Which pipelines run, under which config: starts a run for each configured pipeline, and at
/// a reload starts the added ones, stops the removed ones, and starts the changed ones again,
/// each stopped run first finishing the file in hand.
///
/// Lives in the service's task group body, the only task that changes it: runs end by telling
/// it so through `ServiceEvent.runEnded`.
struct PipelineSupervisor {
    /// The config the service runs on now: the last reload's, with the settings that wait for
    /// a restart kept from the start.
    private(set) var config: DropConfig
    private var client: OpenlayerClient
    private let journal: Journal
    private let dispatch: InboxDispatch
    private let readiness: ServiceReadiness
    private let events: AsyncStream<ServiceEvent>.Continuation
    private let logger: Logger

    private struct Running {
        var generation: Int
        var queue: PipelineQueue
    }

    private var running: [String: Running] = [:]
    /// Changed pipelines whose earlier run is finishing its file: started when it ends.
    private var startWhenEnded: Set<String> = []
    private var generations = 0

    init(
        config: DropConfig, client: OpenlayerClient, journal: Journal, dispatch: InboxDispatch, readiness: ServiceReadiness,
        events: AsyncStream<ServiceEvent>.Continuation, logger: Logger
    ) {
        self.config = config
        self.client = client
        self.journal = journal
        self.dispatch = dispatch
        self.readiness = readiness
        self.events = events
        self.logger = logger
    }

    /// Starts every configured pipeline; the watcher's start-up scan queues their files.
    mutating func startAll(in group: inout TaskGroup<Void>) async {
        for pipeline in config.pipelines {
            await start(pipeline, in: &group)
        }
    }

    /// Applies `new` (read from the config file again): see `ConfigChanges` for what applies
    /// at once, after the file in hand, or at the next start.
    mutating func reload(_ new: DropConfig, in group: inout TaskGroup<Void>) async {
        let changes = ConfigChanges(from: config, to: new)
        for warning in new.warnings { logger.warning("\(warning)") }
        guard !changes.isEmpty else {
            logger.info("reloaded the config: nothing changed")
            return
        }
        if !changes.waitingForRestart.isEmpty {
            logger.warning("changed settings wait for a restart; the running values are kept", metadata: [
                "keys": "\(changes.waitingForRestart.joined(separator: ","))",
            ])
        }
        let next = config.reloaded(as: new)
        if changes.keyReplaced { client.use(next.apiKey) }
        if next.baseURL != config.baseURL { client = client.addressing(next.baseURL) }
        config = next
        var said: Logger.Metadata = ["keyReplaced": "\(changes.keyReplaced)"]
        for (field, names) in [("added", changes.added), ("removed", changes.removed), ("changed", changes.changed)] where !names.isEmpty {
            said[field] = "\(names.joined(separator: ","))"
        }
        logger.notice("reloaded the config", metadata: said)
        for name in changes.removed {
            startWhenEnded.remove(name)
            await dispatch.remove(name)
            await running[name]?.queue.close()
        }
        for name in changes.added {
            do {
                try config.directories.preparePipelineFolders(name)
            } catch {
                logger.error("cannot make the pipeline's folders; it does not start", metadata: ["pipeline": "\(name)", "error": "\(error)"])
            }
        }
        for name in changes.changed + changes.added {
            if let earlier = running[name] {
                startWhenEnded.insert(name)
                // A pipeline removed and added again before its run ended: routed again at
                // once, to the closed queue, so that its files wait for the new run in the inbox.
                await dispatch.install(earlier.queue, for: name)
                await earlier.queue.close()
            } else if let pipeline = config.pipeline(named: name) {
                await start(pipeline, in: &group)
            }
        }
        // What the new config makes of the files already in the inbox: an added pipeline's
        // are queued, a removed pipeline's are rejected as they would be at a start.
        await rescanInbox()
    }

    /// A run ended: its pipeline starts again if a reload changed it, and is forgotten if a
    /// reload removed it.
    mutating func runEnded(_ name: String, generation: Int, in group: inout TaskGroup<Void>) async {
        guard running[name]?.generation == generation else { return }
        running[name] = nil
        if startWhenEnded.remove(name) != nil, let pipeline = config.pipeline(named: name) {
            await start(pipeline, in: &group)
            await rescanInbox()
        } else if config.pipeline(named: name) == nil {
            readiness.forget(name)
            PipelineMetrics(pipeline: name).removed()
            try? FileManager.default.removeItem(atPath: config.directories.healthFile(of: name))
            logger.notice("pipeline stopped: it is no longer in the config", metadata: ["pipeline": "\(name)"])
        }
    }

    /// Starts a run of `pipeline`, whose folders exist (made at the start, or by the reload that added it).
    private mutating func start(_ pipeline: PipelineConfig, in group: inout TaskGroup<Void>) async {
        let queue = PipelineQueue(pipeline: pipeline.name, metrics: PipelineMetrics(pipeline: pipeline.name))
        guard await dispatch.install(queue, for: pipeline.name) else { return }
        generations += 1
        let generation = generations
        running[pipeline.name] = Running(generation: generation, queue: queue)
        let run = PipelineRun(
            pipeline: pipeline, config: config, queue: queue, journal: journal, client: client, readiness: readiness, logger: logger)
        group.addTask { [events] in
            await run.run()
            events.yield(.runEnded(pipeline.name, generation: generation))
        }
    }

    private func rescanInbox() async {
        for path in InboxWatcher.scan(root: config.directories.inbox) {
            await dispatch.dispatch(path, complete: false)
        }
    }
}

/// What the service's task group body waits for.
enum ServiceEvent: Sendable {
    /// SIGHUP: read the config file again.
    case reloadRequested
    case runEnded(String, generation: Int)
    /// The watcher stopped (shutdown): no run starts any more.
    case watchEnded
}

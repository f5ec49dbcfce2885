import AsyncHTTPClient
import DropEngine
import DropFormats
import Foundation
import InboxWatcher
import Logging
import OpenlayerAPI
import ServiceLifecycle

/// The long-running service: binds every configured pipeline to Openlayer, watches the
/// inbox, and feeds each pipeline's files, one at a time and in arrival order, to its
/// `FileProcessor`.
///
/// Shutdown contract: on graceful shutdown it stops taking files; the file in hand sends no
/// new request, its requests in flight finish (their outcome is journaled), and `run`
/// returns. A file not finished stays in `state/processing/` and is taken up at the next
/// start where it stopped. Cancellation (past the shutdown deadline) abandons the requests
/// in flight; they are sent again at the next start with the same inference ids.
public struct DropService: Service, CustomStringConvertible {
    let config: DropConfig
    let logger: Logger
    /// Told when the journal opens, the watch starts or stops, a pipeline is paused or resumes.
    let readiness: ServiceReadiness

    public init(config: DropConfig, logger: Logger, readiness: ServiceReadiness = ServiceReadiness()) {
        self.config = config
        self.logger = logger
        self.readiness = readiness
    }

    /// How the service names itself in lifecycle logs (its config is not for logs).
    public var description: String { "DropService" }

    public func run() async throws {
        try prepareDirectories()
        let journal = try Journal(path: config.directories.journal)
        readiness.journalOpened()
        ServiceMetrics.announce(journal: journal)
        // A refused connection is retried by AsyncHTTPClient until the connect timeout (10 s by
        // default) before the request fails: 3 s lets the service say sooner that it cannot
        // reach Openlayer, and the delivery retries with backoff anyway.
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout.connect = .seconds(3)
        httpConfiguration.tlsConfiguration = try config.tls?.configuration()
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        await serve(journal: journal, httpClient: httpClient)
        try await httpClient.shutdown()
    }

    private func serve(journal: Journal, httpClient: HTTPClient) async {
        // AsyncHTTPClient narrates every connection at debug level; keep that for trace.
        var httpLogger = logger
        httpLogger.logLevel = logger.logLevel == .trace ? .trace : max(logger.logLevel, .info)
        let client = OpenlayerClient(baseURL: config.baseURL, apiKey: config.apiKey, httpClient: httpClient, logger: httpLogger)
        logger.info("starting", metadata: [
            "inbox": "\(config.directories.inbox)", "api": "\(config.baseURL)", "key": "from \(config.apiKeySource)",
            "pipelines": "\(config.pipelines.map(\.name).joined(separator: ","))",
        ])
        for warning in config.warnings { logger.warning("\(warning)") }
        // Every queue exists from the start, so the watcher starts at once: files wait in their
        // pipeline's queue until it is bound, and a pipeline that cannot be bound (its project
        // refused, the API down) holds back no other.
        let metrics = Dictionary(uniqueKeysWithValues: config.pipelines.map { ($0.name, PipelineMetrics(pipeline: $0.name)) })
        let queues = Dictionary(uniqueKeysWithValues: metrics.map { ($0.key, PipelineQueue(pipeline: $0.key, metrics: $0.value)) })
        let router = InboxRouter(inbox: config.directories.inbox, pipelines: Set(queues.keys))
        let archivist = Archivist(directories: config.directories)

        await withTaskGroup(of: Void.self) { group in
            for pipeline in config.pipelines {
                guard let queue = queues[pipeline.name] else { continue }
                group.addTask {
                    var pipelineLogger = logger
                    pipelineLogger[metadataKey: "pipeline"] = "\(pipeline.name)"
                    let health = PipelineHealth(
                        logger: pipelineLogger, statusFile: config.directories.healthFile(of: pipeline.name), metrics: metrics[pipeline.name]
                    ) { [readiness] state in readiness.pipeline(pipeline.name, is: state) }
                    guard let binding = await bindUntilReady(pipeline, client: client, health: health) else { return }
                    let processor = FileProcessor(
                        binding: binding, directories: config.directories, journal: journal, health: health,
                        retry: config.service.retry, client: client, logger: logger)
                    let worker = PipelineWorker(
                        queue: queue, processor: processor,
                        settleTime: config.service.settleTime, retryDelay: config.service.localRetryDelay, logger: pipelineLogger)
                    // A big file is read by `workers` threads at once (at least two: one archives the
                    // last file while the next is read). A thread more costs the many small files
                    // more in hand-offs than it gives the big ones.
                    let executor = BlockingWorkExecutor(name: "drop " + pipeline.name, threads: max(2, pipeline.publish.workers))
                    defer { executor.shutdown() }
                    await withTaskExecutorPreference(executor) { await worker.run() }
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await forgetOldFiles(journal) }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    await watch(router: router, queues: queues, archivist: archivist)
                }
                for queue in queues.values { await queue.close() }
            }
        }
        logger.info("stopped")
    }

    /// Forgets finished files past `service.journalRetentionDays`, now and every hour.
    private func forgetOldFiles(_ journal: Journal) async {
        while !Task.isCancelled {
            do {
                let forgotten = try journal.forgetFiles(finishedBefore: Date() - Double(config.service.journalRetention.components.seconds))
                if forgotten > 0 { logger.info("forgot files past the journal's retention", metadata: ["files": "\(forgotten)"]) }
            } catch {
                logger.warning("cannot prune the journal; tried again in an hour", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    private func prepareDirectories() throws {
        let manager = FileManager.default
        try config.directories.prepareOutputFolders()
        try prepareInboxFolders()
        for pipeline in config.pipelines {
            for kind in FileKind.allCases {
                try manager.createDirectory(atPath: kind.path(under: config.directories.processing, pipeline: pipeline.name), withIntermediateDirectories: true)
            }
        }
    }

    private func prepareInboxFolders() throws {
        for pipeline in config.pipelines {
            for kind in FileKind.allCases {
                try FileManager.default.createDirectory(
                    atPath: kind.path(under: config.directories.inbox, pipeline: pipeline.name), withIntermediateDirectories: true)
            }
        }
    }

    /// Binds a pipeline, waiting out an unreachable API or a refused key: a service started
    /// before the network is up should come up when it does, not exit. Returns nil when
    /// shutdown comes first.
    private func bindUntilReady(_ pipeline: PipelineConfig, client: OpenlayerClient, health: PipelineHealth) async -> PipelineBinding? {
        let retrying = RetryingCall(policy: config.service.retry, health: health)
        guard case .succeeded(let binding) = await retrying.run(onRefusal: .retrySlowly, { () throws(OpenlayerError) in
            try await PipelineBinding.bind(pipeline, client: client)
        }) else { return nil }
        await health.announce()
        logger.info("pipeline ready", metadata: [
            "pipeline": "\(pipeline.name)", "project": "\(pipeline.project)",
            "projectId": "\(binding.projectId)", "inferencePipelineId": "\(binding.inferencePipelineId)",
        ])
        return binding
    }

    /// Watches the inbox until shutdown. An inbox removed (a cleanup script, a remount) is
    /// waited for and watched again once it is back, its files found by the new watch's scan:
    /// one warning, no exit. It is not made again here: on an unmounted volume that would
    /// create folders on the disk beneath.
    private func watch(router: InboxRouter, queues: [String: PipelineQueue], archivist: Archivist) async {
        let inbox = config.directories.inbox
        while !Task.isCancelled {
            do {
                for try await event in InboxWatcher(root: inbox) {
                    switch event {
                    case .fileReady(let path, let arrival):
                        await dispatch(path, complete: arrival == .renamed || arrival == .created, router: router, queues: queues, archivist: archivist)
                    case .watching:
                        readiness.watching(true)
                        logger.info("watching the inbox", metadata: ["inbox": "\(inbox)"])
                    case .rescanNeeded:
                        ServiceMetrics.inotifyOverflowed()
                        logger.warning("inotify queue overflowed; rescanning the inbox")
                        for path in InboxWatcher.scan(root: inbox) {
                            await dispatch(path, complete: false, router: router, queues: queues, archivist: archivist)
                        }
                    }
                }
                readiness.watching(false)
                return  // ended by cancellation
            } catch InboxWatcherError.rootRemoved, InboxWatcherError.rootNotFound {
                readiness.watching(false)
                logger.warning("the inbox was removed; it is watched again as soon as it is back", metadata: ["inbox": "\(inbox)"])
                // The inbox may be a link to where the files land: followed, as at the start.
                while !Task.isCancelled, EntryType(path: inbox, followingLinks: true) != .directory {
                    try? await Task.sleep(for: .seconds(1))
                }
                // Its pipeline folders, for files to be dropped into.
                try? prepareInboxFolders()
            } catch {
                readiness.watching(false)
                logger.critical("the inbox watcher stopped", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    private func dispatch(
        _ path: String, complete: Bool, router: InboxRouter, queues: [String: PipelineQueue], archivist: Archivist
    ) async {
        switch router.route(path) {
        case .pipeline(let name, let kind)?:
            if await queues[name]?.enqueue(path, kind: kind, complete: complete) == true {
                logger.debug("queued", metadata: ["pipeline": "\(name)", "kind": "\(kind.rawValue)", "file": "\(path)"])
            }
        case .stray(let folder, let reason)?:
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

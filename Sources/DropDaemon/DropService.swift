import AsyncHTTPClient
import DropEngine
import Foundation
import InboxWatcher
import Logging
import OpenlayerAPI
import ServiceLifecycle

/// The long-running service: binds every configured pipeline to Openlayer, watches the
/// inbox, and feeds each pipeline's files, one at a time and in arrival order, to its
/// `FileProcessor`.
///
/// Shutdown contract: on graceful shutdown it stops taking files, lets each pipeline finish
/// the file in hand, and returns. A file that is not finished stays in the inbox and is
/// taken again at the next start.
public struct DropService: Service, CustomStringConvertible {
    let config: DropConfig
    let logger: Logger
    /// How long to wait before trying a file again after a failure that left it in the inbox.
    let retryDelay: Duration

    public init(config: DropConfig, logger: Logger, retryDelay: Duration = .seconds(5)) {
        self.config = config
        self.logger = logger
        self.retryDelay = retryDelay
    }

    /// How the service names itself in lifecycle logs (its config is not for logs).
    public var description: String { "DropService" }

    public func run() async throws {
        try prepareDirectories()
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await serve(using: httpClient)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    private func serve(using httpClient: HTTPClient) async throws {
        // AsyncHTTPClient narrates every connection at debug level; keep that for trace.
        var httpLogger = logger
        httpLogger.logLevel = logger.logLevel == .trace ? .trace : max(logger.logLevel, .info)
        let client = OpenlayerClient(baseURL: config.baseURL, apiKey: config.apiKey, httpClient: httpClient, logger: httpLogger)
        logger.info("starting", metadata: [
            "inbox": "\(config.directories.inbox)", "api": "\(config.baseURL)", "key": "from \(config.apiKeySource)",
            "pipelines": "\(config.pipelines.map(\.name).joined(separator: ","))",
        ])
        var processors: [String: FileProcessor] = [:]
        for pipeline in config.pipelines {
            guard let binding = await bindUntilReady(pipeline, client: client) else { return }
            processors[pipeline.name] = FileProcessor(binding: binding, directories: config.directories, logger: logger) { id, batch in
                try await client.streamData(pipelineId: id, batch: batch)
            }
        }
        let queues = Dictionary(uniqueKeysWithValues: config.pipelines.map { ($0.name, PipelineQueue(pipeline: $0.name)) })
        let router = InboxRouter(inbox: config.directories.inbox, pipelines: Set(queues.keys))
        let archivist = Archivist(directories: config.directories)

        await withTaskGroup(of: Void.self) { group in
            for (name, queue) in queues {
                let processor = processors[name]!
                group.addTask { await work(queue: queue, processor: processor) }
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

    private func prepareDirectories() throws {
        let manager = FileManager.default
        for path in [config.directories.archive, config.directories.rejected, config.directories.state] {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        for pipeline in config.pipelines {
            try manager.createDirectory(atPath: config.directories.inbox(of: pipeline.name), withIntermediateDirectories: true)
        }
    }

    /// Binds a pipeline, waiting out an unreachable API: a service started before the network
    /// is up should come up when it does, not exit. Returns nil when shutdown comes first.
    private func bindUntilReady(_ pipeline: PipelineConfig, client: OpenlayerClient) async -> PipelineBinding? {
        var delay = Duration.seconds(1)
        var lastMessage = ""
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let binding = try await PipelineBinding.bind(pipeline, client: client)
                logger.info("pipeline ready", metadata: [
                    "pipeline": "\(pipeline.name)", "project": "\(pipeline.project)",
                    "projectId": "\(binding.projectId)", "inferencePipelineId": "\(binding.inferencePipelineId)",
                ])
                return binding
            } catch {
                if error.description != lastMessage {
                    logger.error("cannot load or create the inference pipeline; retrying", metadata: [
                        "pipeline": "\(pipeline.name)", "error": "\(error)",
                    ])
                    lastMessage = error.description
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(60))
            }
        }
        return nil
    }

    private func watch(router: InboxRouter, queues: [String: PipelineQueue], archivist: Archivist) async {
        do {
            for try await event in InboxWatcher(root: config.directories.inbox) {
                switch event {
                case .fileReady(let path):
                    await dispatch(path, router: router, queues: queues, archivist: archivist)
                case .watching:
                    logger.info("watching the inbox", metadata: ["inbox": "\(config.directories.inbox)"])
                case .rescanNeeded:
                    logger.warning("inotify queue overflowed; rescanning the inbox")
                    for path in InboxWatcher.scan(root: config.directories.inbox) {
                        await dispatch(path, router: router, queues: queues, archivist: archivist)
                    }
                }
            }
        } catch {
            logger.critical("the inbox watcher stopped", metadata: ["error": "\(error)"])
        }
    }

    private func dispatch(_ path: String, router: InboxRouter, queues: [String: PipelineQueue], archivist: Archivist) async {
        switch router.route(path) {
        case .pipeline(let name)?:
            if await queues[name]?.enqueue(path) == true {
                logger.debug("queued", metadata: ["pipeline": "\(name)", "file": "\(path)"])
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

    /// One pipeline's worker: its files one after another, so they reach Openlayer in the
    /// order they were dropped.
    private func work(queue: PipelineQueue, processor: FileProcessor) async {
        await withTaskGroup(of: Void.self) { retries in
            for await path in queue.paths {
                if Task.isShuttingDownGracefully { break }
                do {
                    _ = try await processor.process(path)
                    await queue.finished(path)
                } catch {
                    logger.error("publishing failed; the file stays in the inbox and is tried again", metadata: [
                        "pipeline": "\(queue.pipeline)", "file": "\(path)", "error": "\(error)",
                        "retryIn": "\(retryDelay)",
                    ])
                    let delay = retryDelay
                    retries.addTask {
                        try? await Task.sleep(for: delay)
                        await queue.requeue(path)
                    }
                }
            }
            retries.cancelAll()
        }
    }
}

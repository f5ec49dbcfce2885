import AsyncHTTPClient
import DropEngine
import DropFormats
import Foundation
import InboxWatcher
import Logging
import OpenlayerAPI
import ServiceLifecycle
import UnixSignals

/// The long-running service: binds every configured pipeline to Openlayer, watches the
/// inbox, and feeds each pipeline's files, one at a time and in arrival order, to its
/// `FileProcessor`.
///
/// Shutdown contract: on graceful shutdown it stops taking files; the file in hand sends no
/// new request, its requests in flight finish (their outcome is journaled), and `run`
/// returns. A file not finished stays in `state/processing/` and is taken up at the next
/// start where it stopped. Cancellation (past the shutdown deadline) abandons the requests
/// in flight; they are sent again at the next start with the same inference ids.
///
/// Reload contract (SIGHUP, when `reloadConfig` is given): the config file is read again; if
/// it cannot be used, the error is logged and the running config kept. Otherwise added
/// pipelines start, removed ones finish the file in hand and stop, changed ones finish the
/// file in hand and start again on the new settings (`ConfigChanges`).
public struct DropService: Service, CustomStringConvertible {
    let config: DropConfig
    let logger: Logger
    /// Told when the journal opens, the watch starts or stops, a pipeline is paused or resumes.
    let readiness: ServiceReadiness
    /// Reads the config file again; nil leaves SIGHUP to its default (the process ends).
    let reloadConfig: (@Sendable () throws -> DropConfig)?

    public init(
        config: DropConfig, logger: Logger, readiness: ServiceReadiness = ServiceReadiness(),
        reloadConfig: (@Sendable () throws -> DropConfig)? = nil
    ) {
        self.config = config
        self.logger = logger
        self.readiness = readiness
        self.reloadConfig = reloadConfig
    }

    /// How the service names itself in lifecycle logs (its config is not for logs).
    public var description: String { "DropService" }

    public func run() async throws {
        try config.directories.prepareOutputFolders()
        for pipeline in config.pipelines { try config.directories.preparePipelineFolders(pipeline.name) }
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
        let dispatch = InboxDispatch(inbox: config.directories.inbox, archivist: Archivist(directories: config.directories), logger: logger)
        let (events, eventSink) = AsyncStream.makeStream(of: ServiceEvent.self)
        var supervisor = PipelineSupervisor(
            config: config, client: client, journal: journal, dispatch: dispatch, readiness: readiness, events: eventSink, logger: logger)

        await withTaskGroup(of: Void.self) { group in
            // Every queue exists before the watcher starts: files wait in their pipeline's
            // queue until it is bound, and a pipeline that cannot be bound (its project
            // refused, the API down) holds back no other.
            await supervisor.startAll(in: &group)
            group.addTask {
                await cancelWhenGracefulShutdown { await forgetOldFiles(journal) }
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await watch(dispatch) }
                await dispatch.closeAll()
                eventSink.yield(.watchEnded)
            }
            if reloadConfig != nil {
                group.addTask {
                    await cancelWhenGracefulShutdown {
                        for await _ in await UnixSignalsSequence(trapping: .sighup) { eventSink.yield(.reloadRequested) }
                    }
                }
            }
            for await event in events {
                switch event {
                case .reloadRequested:
                    guard let reloadConfig else { continue }
                    do {
                        await supervisor.reload(try reloadConfig(), in: &group)
                    } catch {
                        logger.error("cannot reload the config; the running one is kept", metadata: ["error": "\(error)"])
                    }
                case .runEnded(let name, let generation):
                    await supervisor.runEnded(name, generation: generation, in: &group)
                case .watchEnded:
                    eventSink.finish()
                }
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

    /// Watches the inbox until shutdown. An inbox removed (a cleanup script, a remount) is
    /// waited for and watched again once it is back, its files found by the new watch's scan:
    /// one warning, no exit. It is not made again here: on an unmounted volume that would
    /// create folders on the disk beneath.
    private func watch(_ dispatch: InboxDispatch) async {
        let inbox = config.directories.inbox
        while !Task.isCancelled {
            do {
                for try await event in InboxWatcher(root: inbox) {
                    switch event {
                    case .fileReady(let path, let arrival):
                        await dispatch.dispatch(path, complete: arrival == .renamed || arrival == .created)
                    case .watching:
                        readiness.watching(true)
                        logger.info("watching the inbox", metadata: ["inbox": "\(inbox)"])
                    case .rescanNeeded:
                        ServiceMetrics.inotifyOverflowed()
                        logger.warning("inotify queue overflowed; rescanning the inbox")
                        for path in InboxWatcher.scan(root: inbox) {
                            await dispatch.dispatch(path, complete: false)
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
                for pipeline in await dispatch.pipelines { try? config.directories.preparePipelineFolders(pipeline) }
            } catch {
                readiness.watching(false)
                logger.critical("the inbox watcher stopped", metadata: ["error": "\(error)"])
                return
            }
        }
    }
}

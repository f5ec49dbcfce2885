import DropEngine
import Logging
import OpenlayerAPI

/// One run of one pipeline, under the config it started with: binds the pipeline to
/// Openlayer, then works through its queue until the queue closes or the service shuts down.
///
/// A reload that changes a pipeline ends its run after the file in hand and starts a new one
/// on the new settings, so a file is never published half under one config, half under another.
struct PipelineRun: Sendable {
    let pipeline: PipelineConfig
    /// The settings of the config this run started with (retries, settling, directories).
    let config: DropConfig
    let queue: PipelineQueue
    let journal: Journal
    let client: OpenlayerClient
    let readiness: ServiceReadiness
    let logger: Logger

    func run() async {
        var pipelineLogger = logger
        pipelineLogger[metadataKey: "pipeline"] = "\(pipeline.name)"
        let health = PipelineHealth(
            logger: pipelineLogger, statusFile: config.directories.healthFile(of: pipeline.name), metrics: queue.metrics
        ) { [readiness, name = pipeline.name] state in readiness.pipeline(name, is: state) }
        guard let binding = await bindUnlessClosed(health: health) else { return }
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

    /// Binds the pipeline, or gives up when the queue closes first: a run removed by a reload
    /// while the API is down has nothing in hand to finish.
    private func bindUnlessClosed(health: PipelineHealth) async -> PipelineBinding? {
        await withTaskGroup(of: PipelineBinding?.self) { group in
            group.addTask { await bindUntilReady(health: health) }
            group.addTask {
                await queue.untilClosed()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Binds the pipeline, waiting out an unreachable API or a refused key: a service started
    /// before the network is up should come up when it does, not exit. Returns nil when
    /// shutdown comes first.
    private func bindUntilReady(health: PipelineHealth) async -> PipelineBinding? {
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
}

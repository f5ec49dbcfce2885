import OpenlayerAPI

/// A configured pipeline tied to its Openlayer project and inference pipeline ids —
/// the seed's "create or load an inference pipeline" step, done once at start.
public struct PipelineBinding: Sendable {
    public var config: PipelineConfig
    public var projectId: String
    public var inferencePipelineId: String

    public init(config: PipelineConfig, projectId: String, inferencePipelineId: String) {
        self.config = config
        self.projectId = projectId
        self.inferencePipelineId = inferencePipelineId
    }

    /// Loads the project and inference pipeline by exact name, creating what is absent;
    /// or, given `inferencePipelineId`, checks that the pipeline exists.
    public static func bind(_ config: PipelineConfig, client: OpenlayerClient) async throws(OpenlayerError) -> PipelineBinding {
        if let id = config.inferencePipelineId {
            let pipeline = try await client.inferencePipeline(id: id)
            return PipelineBinding(config: config, projectId: pipeline.projectId ?? "", inferencePipelineId: pipeline.id)
        }
        let project = try await client.loadOrCreateProject(name: config.project, taskType: config.taskType)
        let pipeline = try await client.loadOrCreateInferencePipeline(
            projectId: project.id, name: config.inferencePipeline ?? config.name)
        return PipelineBinding(config: config, projectId: project.id, inferencePipelineId: pipeline.id)
    }
}

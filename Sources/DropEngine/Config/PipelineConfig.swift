import OpenlayerAPI

/// One pipeline: an inbox folder bound to an Openlayer inference pipeline.
public struct PipelineConfig: Sendable, Equatable {
    /// The folder name under the inbox, and the name in logs, archive and receipts.
    public var name: String
    /// Openlayer project name; loaded by exact name or created.
    public var project: String
    public var taskType: TaskType
    /// Openlayer inference pipeline name; loaded by exact name or created. Ignored when
    /// `inferencePipelineId` is set.
    public var inferencePipeline: String?
    public var inferencePipelineId: String?
    public var dataConfig: DataConfig
    public var publish: PublishSettings

    public init(
        name: String, project: String, taskType: TaskType, inferencePipeline: String?,
        inferencePipelineId: String?, dataConfig: DataConfig, publish: PublishSettings
    ) {
        self.name = name
        self.project = project
        self.taskType = taskType
        self.inferencePipeline = inferencePipeline
        self.inferencePipelineId = inferencePipelineId
        self.dataConfig = dataConfig
        self.publish = publish
    }
}

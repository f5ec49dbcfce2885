import OpenlayerAPI

/// The YAML file as written, before defaults and paths are resolved.
struct RawConfig: Decodable {
    struct Directories: Decodable {
        var root: String?
        var inbox: String?
        var archive: String?
        var rejected: String?
        var state: String?
    }

    struct Settings: Decodable {
        var batchRows: Int?
        var maxBatchBytes: Int?
        var timestampDefault: PublishSettings.TimestampDefault?
    }

    struct Pipeline: Decodable {
        var project: String
        var taskType: TaskType
        var inferencePipeline: String?
        var inferencePipelineId: String?
        var batchRows: Int?
        var maxBatchBytes: Int?
        var timestampDefault: PublishSettings.TimestampDefault?
        var dataConfig: DataConfig
    }

    var baseURL: String?
    var apiKeyFile: String?
    var directories: Directories?
    var defaults: Settings?
    var pipelines: [String: Pipeline]
}

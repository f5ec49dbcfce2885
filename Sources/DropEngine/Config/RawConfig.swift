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

    /// Publishing settings: under `defaults:`, or beside a pipeline's own keys.
    struct Settings: Decodable {
        var batchRows: Int?
        var maxBatchBytes: Int?
        var maxBatchesInFlight: Int?
        var timestampDefault: PublishSettings.TimestampDefault?
        var maxInvalidRowFraction: Double?
        var duplicates: PublishSettings.DuplicatePolicy?
        var mode: PublishSettings.Mode?
        var bulkRowThreshold: Int?
        var groundTruthMode: PublishSettings.Mode?
        var groundTruthBulkRowThreshold: Int?
        var groundTruthConcurrency: Int?
        var storage: StorageKind?
    }

    struct Service: Decodable {
        var settleSeconds: Double?
        var shutdownTimeoutSeconds: Double?
        var retry: Retry?
    }

    struct Retry: Decodable {
        var initialBackoffSeconds: Double?
        var maxBackoffSeconds: Double?
        var authRetrySeconds: Double?
        var localRetrySeconds: Double?
    }

    struct Pipeline: Decodable {
        var project: String
        var taskType: TaskType
        var inferencePipeline: String?
        var inferencePipelineId: String?
        var dataConfig: DataConfig
        var settings: Settings

        private enum CodingKeys: String, CodingKey {
            case project, taskType, inferencePipeline, inferencePipelineId, dataConfig
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            project = try container.decode(String.self, forKey: .project)
            taskType = try container.decode(TaskType.self, forKey: .taskType)
            inferencePipeline = try container.decodeIfPresent(String.self, forKey: .inferencePipeline)
            inferencePipelineId = try container.decodeIfPresent(String.self, forKey: .inferencePipelineId)
            dataConfig = try container.decode(DataConfig.self, forKey: .dataConfig)
            // The pipeline's own overrides sit beside its other keys.
            settings = try Settings(from: decoder)
        }
    }

    var baseURL: String?
    var apiKeyFile: String?
    var directories: Directories?
    var defaults: Settings?
    var service: Service?
    var pipelines: [String: Pipeline]
}

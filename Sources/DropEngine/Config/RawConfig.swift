import OpenlayerAPI

/// The YAML file as written, before defaults and paths are resolved.
///
/// Each mapping spells its keys out in a `CaseIterable` `CodingKeys`: the decoder reads them,
/// and `knownKeys` lists them for the unknown-key check, so the two cannot drift apart
/// (`ConfigKeyTests` checks each list against the stored properties).
struct RawConfig: Decodable {
    /// PEM files for HTTPS to a server behind a private CA, or one that asks for a client certificate.
    struct TLS: Decodable {
        var caFile: String?
        var clientCertificate: String?
        var clientKey: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case caFile, clientCertificate, clientKey
        }
    }

    struct Directories: Decodable {
        var root: String?
        var inbox: String?
        var archive: String?
        var rejected: String?
        var state: String?
        var groupReadable: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case root, inbox, archive, rejected, state, groupReadable
        }
    }

    /// Publishing settings: under `defaults:`, or beside a pipeline's own keys.
    struct Settings: Decodable {
        var batchRows: Int?
        var maxBatchBytes: Int?
        var maxBatchesInFlight: Int?
        var timestampDefault: PublishSettings.TimestampDefault?
        var timestampWindowDays: Int?
        var maxInvalidRowFraction: Double?
        var duplicates: PublishSettings.DuplicatePolicy?
        var mode: PublishSettings.Mode?
        var bulkRowThreshold: Int?
        var groundTruthMode: PublishSettings.Mode?
        var groundTruthBulkRowThreshold: Int?
        var groundTruthConcurrency: Int?
        var storage: StorageKind?
        var workers: Int?
        var maxColumns: Int?
        var maxLineBytes: Int?
        var maxExpansionRatio: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case batchRows, maxBatchBytes, maxBatchesInFlight, timestampDefault, timestampWindowDays, maxInvalidRowFraction, duplicates, mode
            case bulkRowThreshold, groundTruthMode, groundTruthBulkRowThreshold, groundTruthConcurrency, storage, workers
            case maxColumns, maxLineBytes, maxExpansionRatio
        }
    }

    struct Service: Decodable {
        var settleSeconds: Double?
        var shutdownTimeoutSeconds: Double?
        var journalRetentionDays: Double?
        var retry: Retry?
        var http: Setting<HTTP> = .absent
        var logFormat: LogFormat?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case settleSeconds, shutdownTimeoutSeconds, journalRetentionDays, retry, http, logFormat
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            settleSeconds = try container.decodeIfPresent(Double.self, forKey: .settleSeconds)
            shutdownTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .shutdownTimeoutSeconds)
            journalRetentionDays = try container.decodeIfPresent(Double.self, forKey: .journalRetentionDays)
            retry = try container.decodeIfPresent(Retry.self, forKey: .retry)
            logFormat = try container.decodeIfPresent(LogFormat.self, forKey: .logFormat)
            // `http: null` turns the endpoint off, which an absent key must not.
            if !container.contains(.http) {
                http = .absent
            } else if try container.decodeNil(forKey: .http) {
                http = .off
            } else {
                http = .given(try container.decode(HTTP.self, forKey: .http))
            }
        }
    }

    /// A section that is on by default: absent, turned off with `null`, or given.
    enum Setting<Value> {
        case absent, off, given(Value)
    }

    /// The HTTP endpoint for metrics and health checks.
    struct HTTP: Decodable {
        var listen: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case listen
        }
    }

    struct Retry: Decodable {
        var initialBackoffSeconds: Double?
        var maxBackoffSeconds: Double?
        var authRetrySeconds: Double?
        var localRetrySeconds: Double?
        var probeSeconds: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case initialBackoffSeconds, maxBackoffSeconds, authRetrySeconds, localRetrySeconds, probeSeconds
        }
    }

    struct Pipeline: Decodable {
        var project: String
        var taskType: TaskType
        var inferencePipeline: String?
        var inferencePipelineId: String?
        var dataConfig: DataConfig
        var settings: Settings

        /// The pipeline's own keys; its `Settings` keys sit beside them.
        enum CodingKeys: String, CodingKey, CaseIterable {
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
    var tls: TLS?
    var directories: Directories?
    var defaults: Settings?
    var service: Service?
    var pipelines: [String: Pipeline]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseURL, apiKeyFile, tls, directories, defaults, service, pipelines
    }

    /// Every key the file may hold, mapping by mapping. `metadata` and `prompt` are Openlayer's
    /// own free-form values: nothing inside them is checked.
    static var knownKeys: ConfigKeys {
        let settings = ConfigKeys.keys(Settings.CodingKeys.self)
        let dataConfig = ConfigKeys.keys(DataConfig.CodingKeys.self)
        let pipeline = ConfigKeys.keys(Pipeline.CodingKeys.self, nested: ["dataConfig": dataConfig]).merging(settings)
        return .keys(CodingKeys.self, nested: [
            "directories": .keys(Directories.CodingKeys.self),
            "tls": .keys(TLS.CodingKeys.self),
            "defaults": settings,
            "service": .keys(Service.CodingKeys.self, nested: ["retry": .keys(Retry.CodingKeys.self), "http": .keys(HTTP.CodingKeys.self)]),
            "pipelines": .named(pipeline),
        ])
    }
}

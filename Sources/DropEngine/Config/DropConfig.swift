import OpenlayerAPI

/// The whole service configuration, resolved: paths absolute, defaults applied, key loaded.
public struct DropConfig: Sendable {
    /// The API root, ending in the version (`…/v1`).
    public var baseURL: String
    public var apiKey: APIKey
    /// Where the key came from (`OPENLAYER_API_KEY` or the key file's path), for messages.
    public var apiKeySource: String
    public var directories: DropDirectories
    public var service: ServiceSettings
    /// Sorted by name.
    public var pipelines: [PipelineConfig]
    /// What is usable but unsafe (a key file others can read): logged at start, printed by
    /// `check-config`.
    public var warnings: [String] = []
    /// A private CA and a client certificate for HTTPS, when the config names them.
    public var tls: ClientTLS?

    public init(
        baseURL: String, apiKey: APIKey, apiKeySource: String, directories: DropDirectories,
        service: ServiceSettings = ServiceSettings(), pipelines: [PipelineConfig]
    ) {
        self.service = service
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiKeySource = apiKeySource
        self.directories = directories
        self.pipelines = pipelines
    }

    public func pipeline(named name: String) -> PipelineConfig? {
        pipelines.first { $0.name == name }
    }
}

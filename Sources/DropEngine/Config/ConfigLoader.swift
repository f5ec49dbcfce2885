import Foundation
import OpenlayerAPI
import Yams

/// Reads the YAML config and the environment into a `DropConfig`, or says precisely what is wrong.
public enum ConfigLoader {
    /// - Parameters:
    ///   - environment: the process environment; passed in so tests need not mutate it.
    ///   - requireAPIKey: false for commands that never call the API (`validate`, `check-config`).
    public static func load(path: String, environment: [String: String], requireAPIKey: Bool = true) throws(ConfigError) -> DropConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: path, keyPath: "", message: "cannot read the config file: \(error.localizedDescription)", kind: .unreadableFile)
        }
        let configDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, file: path, relativeTo: configDirectory, environment: environment, requireAPIKey: requireAPIKey)
    }

    /// Checks, in this order: YAML syntax and duplicate keys, unknown keys (anywhere in the
    /// file), then each value, pipeline by pipeline (see `DataConfigRules`).
    /// - Parameter base: the directory relative paths in the file are resolved against (the config's own).
    public static func parse(
        yaml: String, file: String, relativeTo base: String, environment: [String: String], requireAPIKey: Bool = true
    ) throws(ConfigError) -> DropConfig {
        let node: Node?
        do { node = try Yams.compose(yaml: yaml) } catch {
            throw describe(error, file: file)
        }
        if let node { try UnknownKeyCheck.check(node, against: RawConfig.knownKeys, file: file) }
        let raw: RawConfig
        do { raw = try YAMLDecoder().decode(RawConfig.self, from: yaml) } catch {
            throw describe(error, file: file)
        }
        let directories = try resolveDirectories(raw.directories, base: base, file: file)
        let (apiKey, keySource): (APIKey, String)
        do {
            (apiKey, keySource) = try resolveAPIKey(raw.apiKeyFile, base: base, file: file, environment: environment)
        } catch where !requireAPIKey {
            (apiKey, keySource) = (APIKey(""), "nowhere (not needed here)")
        }
        let baseURL = raw.baseURL ?? environment["OPENLAYER_BASE_URL"] ?? OpenlayerClient.defaultBaseURL
        guard let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ConfigError(file: file, keyPath: "baseURL", message: "expected an http(s) URL such as \(OpenlayerClient.defaultBaseURL), found '\(baseURL)'", kind: .badBaseURL)
        }
        let defaults = try settings(from: raw.defaults, over: PublishSettings(), keyPath: "defaults", file: file)
        let service = try serviceSettings(raw.service, file: file)
        if raw.pipelines.isEmpty {
            throw ConfigError(file: file, keyPath: "pipelines", message: "expected at least one pipeline", kind: .noPipelines)
        }
        var pipelines: [PipelineConfig] = []
        for (name, rawPipeline) in raw.pipelines.sorted(by: { $0.key < $1.key }) {
            pipelines.append(try pipeline(name: name, raw: rawPipeline, defaults: defaults, file: file))
        }
        var config = DropConfig(
            baseURL: baseURL, apiKey: apiKey, apiKeySource: keySource, directories: directories,
            service: service, pipelines: pipelines)
        if raw.apiKeyFile != nil, let warning = keyFileWarning(keySource) { config.warnings.append(warning) }
        config.tls = try clientTLS(raw.tls, base: base, file: file)
        return config
    }

    /// The `tls` section's files, resolved against the config's folder and read once here, so
    /// that a wrong path or a file that is not PEM stops the start with its key path.
    private static func clientTLS(_ raw: RawConfig.TLS?, base: String, file: String) throws(ConfigError) -> ClientTLS? {
        guard let raw else { return nil }
        func absolute(_ path: String?) -> String? {
            path.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: base, isDirectory: true)).standardizedFileURL.path }
        }
        guard (raw.clientCertificate == nil) == (raw.clientKey == nil) else {
            throw ConfigError(file: file, keyPath: "tls", message: "expected both 'clientCertificate' and 'clientKey', or neither")
        }
        let tls = ClientTLS(caFile: absolute(raw.caFile), certificateFile: absolute(raw.clientCertificate), keyFile: absolute(raw.clientKey))
        do { _ = try tls.configuration() } catch {
            throw ConfigError(file: file, keyPath: "tls", message: "cannot read the TLS files as PEM: \(error)")
        }
        return tls
    }

    /// A key file that the group or others may read lets every local account publish as you.
    static func keyFileWarning(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 != 0 else { return nil }
        let who = [mode & 0o070 != 0 ? "its group" : nil, mode & 0o007 != 0 ? "everyone" : nil].compactMap { $0 }.joined(separator: " and ")
        return "the API key file \(path) can be read by \(who) (mode \(String(mode, radix: 8))): make it the owner's alone with chmod 600 \(path)"
    }

    private static func pipeline(
        name: String, raw: RawConfig.Pipeline, defaults: PublishSettings, file: String
    ) throws(ConfigError) -> PipelineConfig {
        let keyPath = "pipelines.\(name)"
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw ConfigError(file: file, keyPath: keyPath, message: "a pipeline's name is its inbox folder: expected letters, digits, '.', '_' or '-', not starting with '.'", kind: .badPipelineName)
        }
        guard raw.inferencePipeline != nil || raw.inferencePipelineId != nil else {
            throw ConfigError(file: file, keyPath: keyPath, message: "expected 'inferencePipeline' (a name, loaded or created) or 'inferencePipelineId'", kind: .missingInferencePipeline)
        }
        let publish = try settings(from: raw.settings, over: defaults, keyPath: keyPath, file: file)
        try DataConfigRules.check(raw.dataConfig, taskType: raw.taskType, keyPath: keyPath + ".dataConfig", file: file)
        return PipelineConfig(
            name: name, project: raw.project, taskType: raw.taskType, inferencePipeline: raw.inferencePipeline,
            inferencePipelineId: raw.inferencePipelineId, dataConfig: raw.dataConfig, publish: publish)
    }

    private static func settings(
        from raw: RawConfig.Settings?, over base: PublishSettings, keyPath: String, file: String
    ) throws(ConfigError) -> PublishSettings {
        var settings = base
        if let rows = raw?.batchRows {
            guard rows > 0 else { throw ConfigError(file: file, keyPath: keyPath + ".batchRows", message: "expected a positive number of rows, found \(rows)", kind: .outOfRange) }
            settings.batchRows = rows
        }
        if let bytes = raw?.maxBatchBytes {
            guard bytes >= 1024 else { throw ConfigError(file: file, keyPath: keyPath + ".maxBatchBytes", message: "expected at least 1024 bytes, found \(bytes)", kind: .outOfRange) }
            settings.maxBatchBytes = bytes
        }
        if let inFlight = raw?.maxBatchesInFlight {
            guard (1...64).contains(inFlight) else { throw ConfigError(file: file, keyPath: keyPath + ".maxBatchesInFlight", message: "expected 1 to 64 requests, found \(inFlight)", kind: .outOfRange) }
            settings.maxBatchesInFlight = inFlight
        }
        if let workers = raw?.workers {
            guard (1...64).contains(workers) else { throw ConfigError(file: file, keyPath: keyPath + ".workers", message: "expected 1 to 64 threads, found \(workers)", kind: .outOfRange) }
            settings.workers = workers
        }
        if let columns = raw?.maxColumns {
            guard columns >= 1 else { throw ConfigError(file: file, keyPath: keyPath + ".maxColumns", message: "expected at least 1 column, found \(columns)", kind: .outOfRange) }
            settings.limits.maxColumns = columns
        }
        if let bytes = raw?.maxLineBytes {
            guard bytes >= 1024 else { throw ConfigError(file: file, keyPath: keyPath + ".maxLineBytes", message: "expected at least 1024 bytes, found \(bytes)", kind: .outOfRange) }
            settings.limits.maxLineBytes = bytes
        }
        if let ratio = raw?.maxExpansionRatio {
            guard ratio >= 2 else { throw ConfigError(file: file, keyPath: keyPath + ".maxExpansionRatio", message: "expected at least 2, found \(ratio)", kind: .outOfRange) }
            settings.limits.maxExpansionRatio = ratio
        }
        if let fraction = raw?.maxInvalidRowFraction {
            guard (0...1).contains(fraction) else { throw ConfigError(file: file, keyPath: keyPath + ".maxInvalidRowFraction", message: "expected a fraction from 0 to 1, found \(fraction)", kind: .outOfRange) }
            settings.maxInvalidRowFraction = fraction
        }
        if let timestampDefault = raw?.timestampDefault { settings.timestampDefault = timestampDefault }
        if let days = raw?.timestampWindowDays {
            guard (1...3_650_000).contains(days) else {
                throw ConfigError(file: file, keyPath: keyPath + ".timestampWindowDays", message: "expected a positive number of days, found \(days)", kind: .outOfRange)
            }
            settings.timestampWindowDays = days
        }
        if let duplicates = raw?.duplicates { settings.duplicates = duplicates }
        if let mode = raw?.mode { settings.mode = mode }
        if let mode = raw?.groundTruthMode { settings.groundTruthMode = mode }
        if let storage = raw?.storage { settings.storage = storage }
        for (value, key) in [(raw?.bulkRowThreshold, "bulkRowThreshold"), (raw?.groundTruthBulkRowThreshold, "groundTruthBulkRowThreshold"), (raw?.groundTruthConcurrency, "groundTruthConcurrency")] {
            guard let value else { continue }
            guard value > 0 else { throw ConfigError(file: file, keyPath: keyPath + "." + key, message: "expected a positive number, found \(value)", kind: .outOfRange) }
            switch key {
            case "bulkRowThreshold": settings.bulkRowThreshold = value
            case "groundTruthBulkRowThreshold": settings.groundTruthBulkRowThreshold = value
            default: settings.groundTruthConcurrency = value
            }
        }
        return settings
    }

    private static func serviceSettings(_ raw: RawConfig.Service?, file: String) throws(ConfigError) -> ServiceSettings {
        var settings = ServiceSettings()
        func duration(_ seconds: Double?, _ key: String, minimum: Double) throws(ConfigError) -> Duration? {
            guard let seconds else { return nil }
            guard seconds.isFinite, seconds >= minimum else {
                throw ConfigError(file: file, keyPath: "service." + key, message: "expected at least \(minimum) seconds, found \(seconds)", kind: .outOfRange)
            }
            return .milliseconds(Int64(seconds * 1000))
        }
        if let settle = try duration(raw?.settleSeconds, "settleSeconds", minimum: 0) { settings.settleTime = settle }
        if let timeout = try duration(raw?.shutdownTimeoutSeconds, "shutdownTimeoutSeconds", minimum: 0) { settings.shutdownTimeout = timeout }
        if let days = raw?.journalRetentionDays {
            guard days.isFinite, days >= 1 else {
                throw ConfigError(file: file, keyPath: "service.journalRetentionDays", message: "expected at least 1 day, found \(days)", kind: .outOfRange)
            }
            settings.journalRetention = .seconds(days * 86_400)
        }
        if let initial = try duration(raw?.retry?.initialBackoffSeconds, "retry.initialBackoffSeconds", minimum: 0.001) { settings.retry.initialBackoff = initial }
        if let maximum = try duration(raw?.retry?.maxBackoffSeconds, "retry.maxBackoffSeconds", minimum: 0.001) { settings.retry.maximumBackoff = maximum }
        if let auth = try duration(raw?.retry?.authRetrySeconds, "retry.authRetrySeconds", minimum: 0.001) { settings.retry.authRetryInterval = auth }
        if let local = try duration(raw?.retry?.localRetrySeconds, "retry.localRetrySeconds", minimum: 0.001) { settings.localRetryDelay = local }
        if let probe = try duration(raw?.retry?.probeSeconds, "retry.probeSeconds", minimum: 0.001) { settings.retry.probeInterval = probe }
        if let format = raw?.logFormat { settings.logFormat = format }
        switch raw?.http ?? .absent {
        case .absent: break
        case .off: settings.httpListen = nil
        case .given(let http):
            if let listen = http.listen {
                switch ListenAddress.parse(listen) {
                case .success(let address): settings.httpListen = address
                case .failure(let error):
                    throw ConfigError(file: file, keyPath: "service.http.listen", message: error.reason, kind: .invalidValue)
                }
            }
        }
        return settings
    }

    private static func resolveDirectories(
        _ raw: RawConfig.Directories?, base: String, file: String
    ) throws(ConfigError) -> DropDirectories {
        func absolute(_ path: String) -> String {
            let expanded = (path as NSString).expandingTildeInPath
            return URL(fileURLWithPath: expanded, relativeTo: URL(fileURLWithPath: base, isDirectory: true)).standardizedFileURL.path
        }
        let root = absolute(raw?.root ?? ".")
        let defaults = DropDirectories(root: root)
        var directories = DropDirectories(
            inbox: raw?.inbox.map(absolute) ?? defaults.inbox,
            archive: raw?.archive.map(absolute) ?? defaults.archive,
            rejected: raw?.rejected.map(absolute) ?? defaults.rejected,
            state: raw?.state.map(absolute) ?? defaults.state)
        directories.groupReadable = raw?.groupReadable ?? false
        return directories
    }

    /// The name systemd gives the key under `$CREDENTIALS_DIRECTORY`, from the unit's
    /// `LoadCredential=openlayer-api-key:/etc/openlayer-drop/api-key`.
    static let credentialName = "openlayer-api-key"

    /// The key comes from `apiKeyFile`, `OPENLAYER_API_KEY` or systemd's credentials — never from
    /// the YAML itself, which tends to end up in version control. A credential comes last: it is
    /// only there when the unit asks for it, and a key named in the config or the environment is
    /// the operator saying which one to use.
    private static func resolveAPIKey(
        _ keyFile: String?, base: String, file: String, environment: [String: String]
    ) throws(ConfigError) -> (APIKey, String) {
        if let keyFile {
            let path = URL(fileURLWithPath: keyFile, relativeTo: URL(fileURLWithPath: base, isDirectory: true)).standardizedFileURL.path
            return (try readKey(at: path, describedAs: "API key file", keyPath: "apiKeyFile", file: file), path)
        }
        if let key = environment["OPENLAYER_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty {
            return (APIKey(key), "OPENLAYER_API_KEY")
        }
        if let credentials = environment["CREDENTIALS_DIRECTORY"], !credentials.isEmpty {
            let path = URL(fileURLWithPath: credentials, isDirectory: true).appendingPathComponent(credentialName).standardizedFileURL.path
            // systemd exports the folder for every credential of the unit, so a folder without
            // ours is the same as no credential: the message below names all three ways.
            if FileManager.default.fileExists(atPath: path) {
                return (try readKey(at: path, describedAs: "systemd credential", keyPath: "apiKeyFile", file: file), path)
            }
        }
        throw ConfigError(
            file: file, keyPath: "apiKeyFile",
            message: "no API key: set OPENLAYER_API_KEY or point 'apiKeyFile' at a file holding the key (under systemd, LoadCredential=\(credentialName):FILE also works)",
            kind: .noAPIKey)
    }

    /// The whole file, trimmed; its content never goes into a message.
    private static func readKey(at path: String, describedAs what: String, keyPath: String, file: String) throws(ConfigError) -> APIKey {
        let contents: String
        do { contents = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: file, keyPath: keyPath, message: "cannot read the \(what) \(path): \(error.localizedDescription)", kind: .noAPIKey)
        }
        let key = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { throw ConfigError(file: file, keyPath: keyPath, message: "the \(what) \(path) is empty", kind: .noAPIKey) }
        return APIKey(key)
    }

    /// Turns Yams/Codable errors into a dotted key path and an expectation.
    static func describe(_ error: any Error, file: String) -> ConfigError {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return ConfigError(file: file, keyPath: path(context.codingPath + [key]), message: "required key is missing", kind: .missingKey)
        case DecodingError.typeMismatch(let type, let context):
            return ConfigError(
                file: file, keyPath: path(context.codingPath), message: "expected \(expectation(type))",
                kind: context.codingPath.isEmpty ? .notAMapping : .wrongType)
        case DecodingError.valueNotFound(let type, let context):
            return ConfigError(file: file, keyPath: path(context.codingPath), message: "expected \(expectation(type)), found nothing", kind: .wrongType)
        case DecodingError.dataCorrupted(let context):
            let last = context.codingPath.last?.stringValue
            if last == "taskType" {
                return ConfigError(file: file, keyPath: path(context.codingPath), message: "expected one of \(TaskType.allCases.map(\.rawValue).joined(separator: ", "))", kind: .badTaskType)
            }
            if last == "timestampDefault" {
                return ConfigError(file: file, keyPath: path(context.codingPath), message: "expected one of \(PublishSettings.TimestampDefault.allCases.map(\.rawValue).joined(separator: ", "))", kind: .badChoice)
            }
            if last == "mode" || last == "groundTruthMode" {
                return ConfigError(file: file, keyPath: path(context.codingPath), message: "expected one of \(PublishSettings.Mode.allCases.map(\.rawValue).joined(separator: ", "))", kind: .badChoice)
            }
            if last == "storage" {
                return ConfigError(file: file, keyPath: path(context.codingPath), message: "expected one of \(StorageKind.allCases.map(\.rawValue).joined(separator: ", "))", kind: .badChoice)
            }
            if last == "logFormat" {
                return ConfigError(file: file, keyPath: path(context.codingPath), message: "expected one of \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))", kind: .badChoice)
            }
            if last == "duplicates" {
                return ConfigError(file: file, keyPath: path(context.codingPath), message: "expected one of \(PublishSettings.DuplicatePolicy.allCases.map(\.rawValue).joined(separator: ", "))", kind: .badChoice)
            }
            if context.codingPath.isEmpty {
                return ConfigError(file: file, keyPath: "", message: "not a YAML mapping: \(context.debugDescription) \(context.underlyingError.map { "\($0)" } ?? "")", kind: .notAMapping)
            }
            return ConfigError(file: file, keyPath: path(context.codingPath), message: context.debugDescription, kind: .wrongType)
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            // Yams would quote the whole file as its context: the key and the line say enough.
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigError(
                file: file, keyPath: "",
                message: "line \(context.mark.line): \(names) appear\(duplicates.count == 1 ? "s" : "") twice in the same mapping; YAML keeps one, so say it once",
                kind: .duplicateKey)
        default:
            return ConfigError(file: file, keyPath: "", message: "not valid YAML: \(error)", kind: .badYAML)
        }
    }

    private static func expectation(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            // Yams names its node kinds (Sequence, Mapping); Swift its collections.
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.contains("Sequence") { return "a list, like [a, b]" }
            if name.hasPrefix("Dictionary") || name.contains("Mapping") { return "a mapping of keys to values" }
            return name
        }
    }
}

import OpenlayerAPI

/// What a reload (SIGHUP) changes in the running service, found by comparing the running
/// config with the file as it reads now.
///
/// A reload leaves the service as if it had started on the new config, with two exceptions:
/// the file in hand is finished under the settings it started with, and the settings that
/// shape the process itself (the folders, the endpoint, the log format, TLS, the shutdown
/// deadline, the journal's retention) wait for a restart, because changing them under running
/// work could lose track of files in it.
public struct ConfigChanges: Sendable, Equatable {
    /// Pipelines to start.
    public var added: [String] = []
    /// Pipelines to stop once the file in hand is done.
    public var removed: [String] = []
    /// Pipelines to start again on their new settings once the file in hand is done: their own
    /// section changed, or a setting they all share (the API's address, retries, settling).
    public var changed: [String] = []
    /// Config keys whose new values are kept for the next start.
    public var waitingForRestart: [String] = []
    /// The key is another: sent from the next request on, by every pipeline, mid-file too
    /// (a file waiting out a refused key goes on with the new one).
    public var keyReplaced = false

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty && waitingForRestart.isEmpty && !keyReplaced }

    public init(from running: DropConfig, to new: DropConfig) {
        let old = Dictionary(uniqueKeysWithValues: running.pipelines.map { ($0.name, $0) })
        let shared = running.sharedByPipelines != new.sharedByPipelines
        for pipeline in new.pipelines {
            guard let before = old[pipeline.name] else {
                added.append(pipeline.name)
                continue
            }
            if shared || before != pipeline { changed.append(pipeline.name) }
        }
        keyReplaced = running.apiKey != new.apiKey
        removed = old.keys.filter { new.pipeline(named: $0) == nil }.sorted()
        waitingForRestart = DropConfig.restartOnlySettings.compactMap { key, same in same(running, new) ? nil : key }
    }
}

extension DropConfig {
    /// `new` with the settings a reload cannot apply kept as they run now.
    public func reloaded(as new: DropConfig) -> DropConfig {
        var reloaded = new
        reloaded.directories = directories
        reloaded.tls = tls
        reloaded.service.httpListen = service.httpListen
        reloaded.service.logFormat = service.logFormat
        reloaded.service.shutdownTimeout = service.shutdownTimeout
        reloaded.service.journalRetention = service.journalRetention
        return reloaded
    }

    /// The settings `reloaded(as:)` keeps, by config key, each with how two configs compare on it.
    static let restartOnlySettings: [(key: String, same: @Sendable (DropConfig, DropConfig) -> Bool)] = [
        ("directories", { $0.directories == $1.directories }),
        ("tls", { $0.tls == $1.tls }),
        ("service.http", { $0.service.httpListen == $1.service.httpListen }),
        ("service.logFormat", { $0.service.logFormat == $1.service.logFormat }),
        ("service.shutdownTimeoutSeconds", { $0.service.shutdownTimeout == $1.service.shutdownTimeout }),
        ("service.journalRetentionDays", { $0.service.journalRetention == $1.service.journalRetention }),
    ]

    /// What every pipeline's run depends on besides its own section.
    fileprivate var sharedByPipelines: SharedSettings {
        SharedSettings(
            baseURL: baseURL, retry: service.retry,
            settleTime: service.settleTime, localRetryDelay: service.localRetryDelay)
    }
}

private struct SharedSettings: Equatable {
    var baseURL: String
    var retry: RetryPolicy
    var settleTime: Duration
    var localRetryDelay: Duration
}

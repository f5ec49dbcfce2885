import DropJSON
import Foundation

/// A temporary root with a config for the fraud pipeline, an inbox, and the watcher binary.
final class DropWorkspace: @unchecked Sendable {
    let root: String
    let configPath: String
    let sandbox: Sandbox
    private(set) var watcher: ChildProcess?

    /// Settling and retries fast enough for tests.
    static let quickService = [
        "settleSeconds: 0.3", "shutdownTimeoutSeconds: 10",
        "retry: {initialBackoffSeconds: 0.05, maxBackoffSeconds: 0.5, authRetrySeconds: 0.5, localRetrySeconds: 0.5}",
    ]

    var inbox: String { root + "/inbox/fraud" }
    var archive: String { root + "/archive/fraud" }
    var rejected: String { root + "/rejected/fraud" }
    var logPath: String { root + "/watcher.log" }

    /// The fraud pipeline's data config, as YAML lines under `dataConfig:`.
    static let fraudDataConfig = [
        "classNames: [legit, fraud]",
        "featureNames: [amount, merchant, hour]",
        "categoricalFeatureNames: [merchant]",
        "predictionsColumnName: prediction",
        "predictionScoresColumnName: scores",
        "labelColumnName: label",
        "inferenceIdColumnName: inference_id",
        "timestampColumnName: timestamp",
    ]

    /// - Parameters:
    ///   - pipelineSettings: extra YAML lines under the pipeline (e.g. `batchRows: 2`).
    ///   - serviceSettings: YAML lines under `service:`; by default quick settling and retries.
    ///   - dataConfig: the pipeline's data config, as YAML lines; by default the fraud model's.
    init(
        sandbox: Sandbox, pipelineSettings: [String] = [], serviceSettings: [String] = DropWorkspace.quickService,
        dataConfig: [String] = DropWorkspace.fraudDataConfig
    ) throws {
        self.sandbox = sandbox
        // Watchers of tests running at once must not share the endpoint's default port.
        var serviceSettings = serviceSettings
        if !serviceSettings.contains(where: { $0.hasPrefix("http:") }) { serviceSettings.append("http: {listen: '127.0.0.1:0'}") }
        root = NSTemporaryDirectory() + "openlayer-drop-e2e-" + UUID().uuidString
        configPath = root + "/config.yaml"
        try FileManager.default.createDirectory(atPath: root + "/inbox/fraud", withIntermediateDirectories: true)
        let config = """
            baseURL: \(sandbox.baseURL)
            directories:
              root: .
            service:
            \(serviceSettings.map { "  " + $0 }.joined(separator: "\n"))
            pipelines:
              fraud:
                project: Fraud classification
                taskType: tabular-classification
                inferencePipeline: production
            \(pipelineSettings.map { "    " + $0 }.joined(separator: "\n"))
                dataConfig:
            \(dataConfig.map { "      " + $0 }.joined(separator: "\n"))
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    /// Starts `openlayer-drop watch`; with `waitUntilWatching`, returns once the start-up scan
    /// is done and a pipeline is bound, so that files dropped afterwards arrive as live events.
    /// `arguments` go after the command's own (`--log-format json`).
    func startWatcher(waitUntilWatching: Bool = true, environment: [String: String] = [:], arguments: [String] = []) async throws {
        let log = try Self.openForWriting(logPath, appending: true)
        watcher = try ChildProcess(
            "openlayer-drop", arguments: ["watch", "--config", configPath, "--log-level", "debug"] + arguments,
            environment: environment.merging(["OPENLAYER_API_KEY": sandbox.apiKey]) { $1 }, stdout: log, stderr: log)
        if waitUntilWatching {
            // The watcher starts at once; the pipeline is bound beside it.
            try await eventually("the watcher to watch\n\(self.log)") {
                self.log.contains("watching the inbox") && self.log.contains("pipeline ready")
            }
        }
    }

    @discardableResult
    func stopWatcher() -> Int32? {
        defer { watcher = nil }
        return watcher?.stop()
    }

    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Drops a file the recommended way: written under a temporary name, then renamed.
    /// `name` may hold a subfolder: `ground-truths/labels.csv`.
    func dropByRename(_ name: String, _ contents: String, modified: Date? = nil, pipeline: String = "fraud") throws {
        try dropByRename(name, bytes: Data(contents.utf8), modified: modified, pipeline: pipeline)
    }

    func dropByRename(_ name: String, bytes: Data, modified: Date? = nil, pipeline: String = "fraud") throws {
        let folder = root + "/inbox/" + pipeline
        // Written outside the inbox: a pipeline removed by a reload has no folder to write in.
        let temporary = root + "/" + UUID().uuidString + ".tmp"
        try bytes.write(to: URL(fileURLWithPath: temporary))
        if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: temporary) }
        try FileManager.default.moveItem(atPath: temporary, toPath: folder + "/" + name)
    }

    /// Writes a file in place, in one open, two writes with a pause, one close — as a slow
    /// exporter would.
    func dropInPlace(_ name: String, _ contents: String) async throws {
        let handle = try Self.openForWriting(inbox + "/" + name, appending: false)
        let bytes = Array(contents.utf8)
        let half = bytes.count / 2
        try handle.write(contentsOf: bytes[..<half])
        try await Task.sleep(for: .milliseconds(300))
        try handle.write(contentsOf: bytes[half...])
        try handle.close()
    }

    static func openForWriting(_ path: String, appending: Bool) throws -> FileHandle {
        let descriptor = open(path, O_WRONLY | O_CREAT | (appending ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// The archived files of today (UTC) with their parsed receipts, by file name.
    func receipts(of pipeline: String = "fraud") -> [String: JSONObject] {
        var found: [String: JSONObject] = [:]
        let archive = root + "/archive/" + pipeline
        guard let enumerator = FileManager.default.enumerator(atPath: archive) else { return found }
        for case let relative as String in enumerator where relative.hasSuffix(".receipt.json") {
            let path = archive + "/" + relative
            if let data = FileManager.default.contents(atPath: path), case .object(let receipt)? = try? JSONParser.parse(Array(data)),
                case .string(let file)? = receipt["file"]
            {
                found[file] = receipt
            }
        }
        return found
    }

    func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// Files waiting in the pipeline's inbox folders (predictions, ground truths, reference).
    var waitingFiles: [String] {
        [inbox, inbox + "/ground-truths", inbox + "/reference"].flatMap { folder in
            files(in: folder).filter { !["ground-truths", "reference"].contains($0) || folder != inbox }
        }
    }

    func remove() {
        stopWatcher()
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// Waits until `condition` holds, checking every 100 ms; fails the wait after `timeout`.
/// `what` is evaluated on failure, so it can show the log as it was then.
func eventually(
    timeout: Duration = .seconds(30), _ what: @autoclosure () -> String, _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw TimedOut(what: what())
}

/// Waits until `find` finds something, checking every 100 ms, and returns it.
func eventuallyFound<Value>(
    timeout: Duration = .seconds(30), _ what: @autoclosure () -> String, _ find: () async throws -> Value?
) async throws -> Value {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if let found = try await find() { return found }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw TimedOut(what: what())
}

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

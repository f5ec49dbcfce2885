import ArgumentParser
import DropEngine
import Foundation
import Logging

/// The `--config` option every command shares, and how a command loads it.
struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "The YAML config file.")
    var config: String = "/etc/openlayer-drop/config.yaml"

    /// Loads the config; a problem ends the command with sysexits' configuration status (78)
    /// and the problem alone, not a usage message: on standard error, or through `logger` when
    /// the logs already go to a collector (`watch --log-format json`).
    func load(requireAPIKey: Bool, logger: Logger? = nil) throws -> DropConfig {
        do {
            return try ConfigLoader.load(path: config, environment: ProcessInfo.processInfo.environment, requireAPIKey: requireAPIKey)
        } catch {
            if let logger {
                logger.critical("invalid config", metadata: ["config": "\(config)", "error": "\(error)"])
            } else {
                FileHandle.standardError.write(Data("openlayer-drop: invalid config: \(error)\n".utf8))
            }
            throw ExitCode(78)
        }
    }
}

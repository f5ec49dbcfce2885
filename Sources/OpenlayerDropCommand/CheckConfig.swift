import ArgumentParser
import DropEngine

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the config file and exit: 0 when it is usable, 78 with the problem otherwise.",
        discussion: """
            Checks the YAML, every key's type and value, each pipeline's data config for its task type, and that an API key can be found. Nothing is sent. Meant for systemd's ExecStartPre and for CI.

            Example:
              openlayer-drop check-config --config /etc/openlayer-drop/config.yaml
            """
    )

    @OptionGroup var options: ConfigOption

    func run() throws {
        let config = try options.load(requireAPIKey: true)
        for warning in config.warnings { print("\(options.config): warning: \(warning)") }
        print("\(options.config): ok — \(config.pipelines.count) pipeline\(config.pipelines.count == 1 ? "" : "s") (\(config.pipelines.map(\.name).joined(separator: ", "))), inbox \(config.directories.inbox), API \(config.baseURL), key from \(config.apiKeySource)")
    }
}

import ArgumentParser
import DropDaemon
import DropEngine
import Foundation
import Logging
import ServiceLifecycle

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch the inbox and publish every file dropped into it, until stopped.",
        discussion: """
            Runs in the foreground and logs to standard error. Stop it with Ctrl-C or SIGTERM: the file in hand is finished first. Files dropped while it was stopped are taken at the next start.

            SIGHUP reads the config file again: added pipelines start, removed ones finish the file in hand and stop, changed ones finish it and go on with the new settings. A config that cannot be used is logged, and the running one kept. The folders, service.http, service.logFormat, tls, service.shutdownTimeoutSeconds and service.journalRetentionDays wait for a restart.

            Example:
              OPENLAYER_API_KEY=... openlayer-drop watch --config /etc/openlayer-drop/config.yaml
            """
    )

    @OptionGroup var options: ConfigOption

    @Option(help: "Least severe log level shown: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "How log lines are written: text, or json (one object per line). Overrides service.logFormat.")
    var logFormat: LogFormat?

    func run() async throws {
        // The log format given here applies at once, to a config that cannot be loaded too; the
        // config's own applies once it is loaded (until then, problems are said in plain text).
        let dropConfig: DropConfig
        if let logFormat {
            Self.bootstrap(logFormat, level: logLevel)
            dropConfig = try options.load(requireAPIKey: true, logger: Logger(label: "openlayer-drop"))
        } else {
            dropConfig = try options.load(requireAPIKey: true)
            Self.bootstrap(dropConfig.service.logFormat, level: logLevel)
        }
        let logger = Logger(label: "openlayer-drop")
        // Before any metric is made: one made earlier would record nowhere.
        let registry = MetricsExport.registry
        let readiness = ServiceReadiness()
        let service = DropService(config: dropConfig, logger: logger, readiness: readiness) { [path = options.config] in
            try ConfigLoader.load(path: path, environment: ProcessInfo.processInfo.environment, requireAPIKey: true)
        }
        // The endpoint comes first: a shutdown stops the services last to first, so it answers
        // probes until the files in hand are finished.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let listen = dropConfig.service.httpListen {
            services.append(.init(service: HTTPEndpoint(address: listen, registry: registry, readiness: readiness, logger: logger)))
        }
        services.append(.init(service: service))
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past the deadline, requests still in flight are abandoned; the journal has them
        // as unacknowledged, so they are sent again at the next start. The deadline keeps a
        // little of shutdownTimeoutSeconds back for cancelling them and closing the connections,
        // so that the process exits within shutdownTimeoutSeconds + 1 s even on a busy machine.
        let timeout = dropConfig.service.shutdownTimeout
        configuration.maximumGracefulShutdownDuration = timeout - min(.milliseconds(500), timeout / 4)
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}

extension Watch {
    static func bootstrap(_ format: LogFormat, level: Logger.Level) {
        switch format {
        case .text: EscapingLogHandler.bootstrap(level: level)
        case .json: JSONLogHandler.bootstrap(level: level)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}

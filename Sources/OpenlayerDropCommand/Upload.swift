import ArgumentParser
import AsyncHTTPClient
import DropEngine
import Foundation
import Logging
import OpenlayerAPI

struct Upload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish one file now, exactly as the service would, and print its receipt.",
        discussion: """
            Checks the file, publishes it with the journal, retries and rejected rows of the service, and archives a copy beside its receipt (the file itself stays where it is). Shows progress while it checks (MiB and rows read) and while it publishes (rows, MiB/s, time left): in place on a terminal, plain lines otherwise. Exits 0 when published (or already published), 1 when rejected. An upload that is interrupted is finished by the service at its next start, where it stopped.

            Examples:
              openlayer-drop upload predictions.csv --pipeline fraud
              openlayer-drop upload labels.csv --pipeline fraud --kind ground-truths
            """
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The file to publish.")
    var file: String

    @Option(help: "The pipeline to publish to.")
    var pipeline: String

    @Option(help: "What the file holds: predictions, ground-truths or reference.")
    var kind: String = "predictions"

    @Option(help: "Least severe log level shown.")
    var logLevel: Logger.Level = .warning

    func run() async throws {
        guard let fileKind = FileKind(argument: kind) else {
            throw ValidationError("--kind must be predictions, ground-truths or reference, not '\(kind)'")
        }
        let level = logLevel
        EscapingLogHandler.bootstrap(level: level)
        let config = try options.load(requireAPIKey: true)
        guard let pipelineConfig = config.pipeline(named: pipeline) else {
            throw ValidationError("no pipeline '\(pipeline)' in \(options.config); configured: \(config.pipelines.map(\.name).joined(separator: ", "))")
        }
        guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let logger = Logger(label: "openlayer-drop")
        try config.directories.prepareOutputFolders()
        let journal = try Journal(path: config.directories.journal)
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.tlsConfiguration = try config.tls?.configuration()
        let result = try await HTTPClient.withHTTPClient(configuration: httpConfiguration) { httpClient in
            let client = OpenlayerClient(baseURL: config.baseURL, apiKey: config.apiKey, httpClient: httpClient, logger: logger)
            let binding = try await PipelineBinding.bind(pipelineConfig, client: client)
            var configured = FileProcessor(
                binding: binding, directories: config.directories, journal: journal,
                health: PipelineHealth(logger: logger), retry: config.service.retry, client: client, logger: logger)
            let surveyed = SurveyProgress()
            configured.surveyProgress = surveyed
            let processor = configured
            let entry = try processor.claimCopy(of: file, kind: fileKind)
            let progress = UploadProgress(journal: journal, fileId: entry.id ?? 0, bytes: entry.size, survey: surveyed)
            return try await withThrowingTaskGroup(of: FileProcessor.Result?.self) { group in
                group.addTask { await progress.run(); return nil }
                group.addTask { try await processor.process(entry) }
                var outcome: FileProcessor.Result?
                for try await result in group where result != nil {
                    outcome = result
                    group.cancelAll()
                }
                progress.finish()
                return outcome
            }
        }
        switch result {
        case .published(let receipt)?, .duplicate(let receipt)?:
            let verb = receipt.status == .duplicate ? "already published; archived as a duplicate, 0 of \(receipt.rows) rows sent" : "published \(receipt.rowsPublished) of \(receipt.rows) rows in \(receipt.batches) requests"
            print("\(file): \(verb)")
            if receipt.rowsRejected > 0 { print("  \(receipt.rowsRejected) rows set aside in \(receipt.rejectedRowsFile ?? "rejected/")") }
            print("  receipt: \(receipt.archivedAs).receipt.json")
        case .rejected(let report)?:
            print("\(file): rejected; nothing was sent. Why: \(report)")
            throw ExitCode(1)
        case .vanished?, nil:
            print("\(file): the copy disappeared before it could be published")
            throw ExitCode(1)
        }
    }
}

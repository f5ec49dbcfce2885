import ArgumentParser

@main
struct OpenlayerDrop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openlayer-drop",
        abstract: "Publish CSV and JSONL files dropped into a folder to Openlayer inference pipelines.",
        discussion: """
            Each pipeline in the config has an inbox folder, inbox/<pipeline>/. A file written there (best under a temporary name, then renamed) is checked against the pipeline's data config, published in batches, and moved to archive/<pipeline>/YYYY/MM/DD/ beside a receipt; a file that cannot be published goes to rejected/<pipeline>/ beside a report.

            The API key is read from OPENLAYER_API_KEY, from the file named by apiKeyFile, or from systemd's credential openlayer-api-key ($CREDENTIALS_DIRECTORY).
            """,
        version: "0.1.0",
        subcommands: [Watch.self, Validate.self, Upload.self, Status.self, Init.self, CheckConfig.self]
    )

    static func main() async {
        MallocArenas.limitUnlessConfigured()
        await main(nil)
    }
}

import ArgumentParser
import DropEngine
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented starter config, guessed from a sample file.",
        discussion: """
            Reads the first rows of a CSV or JSONL file of predictions and guesses the task type, the feature columns, which of them are categorical, and the prediction, score, label, inference-id and timestamp columns. Every guess is marked in the output: read it before use.

            Examples:
              openlayer-drop init --from predictions.csv > config.yaml
              openlayer-drop init --from predictions.jsonl --pipeline fraud --project "Fraud classification" --output config.yaml
            """
    )

    @Option(help: "A sample file of predictions (.csv, .jsonl or .ndjson).")
    var from: String

    @Option(help: "The pipeline's name, which is also its inbox folder.")
    var pipeline = "my-model"

    @Option(help: "The Openlayer project to load or create.")
    var project = "My project"

    @Option(help: "Write the config to this file instead of standard output (never overwritten).")
    var output: String?

    func run() throws {
        let guess = try StarterConfig.guess(from: from)
        let text = guess.yaml(pipeline: pipeline, project: project, sample: from)
        guard let output else {
            print(text, terminator: "")
            return
        }
        guard !FileManager.default.fileExists(atPath: output) else {
            throw ValidationError("\(output) exists; choose another --output or remove it")
        }
        try text.write(toFile: output, atomically: true, encoding: .utf8)
        print("wrote \(output); check every line marked 'guessed'")
    }
}

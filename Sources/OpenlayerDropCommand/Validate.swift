import ArgumentParser
import DropEngine
import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check files the way the service would, without sending anything.",
        discussion: """
            Runs every check the service makes before publishing and prints what it would do with each file: publish it, set some rows aside, or reject it whole. Exits 0 when every file is clean, 1 otherwise.

            Examples:
              openlayer-drop validate predictions.csv --pipeline fraud
              openlayer-drop validate labels.csv --pipeline fraud --kind ground-truths --json
            """
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The files to check.")
    var files: [String]

    @Option(help: "The pipeline whose data config the files must fit.")
    var pipeline: String

    @Option(help: "What the files hold: predictions, ground-truths or reference.")
    var kind: String = "predictions"

    @Flag(help: "Print one JSON object per file instead of a report.")
    var json = false

    func validate() throws {
        guard FileKind(argument: kind) != nil else {
            throw ValidationError("--kind must be predictions, ground-truths or reference, not '\(kind)'")
        }
    }

    func run() throws {
        let config = try options.load(requireAPIKey: false)
        guard let pipelineConfig = config.pipeline(named: pipeline) else {
            throw ValidationError("no pipeline '\(pipeline)' in \(options.config); configured: \(config.pipelines.map(\.name).joined(separator: ", "))")
        }
        let fileKind = FileKind(argument: kind)!
        // With the service's journal at hand, ids it already published are pointed out too.
        let journal = FileManager.default.fileExists(atPath: config.directories.journal) ? try? Journal(path: config.directories.journal) : nil
        var allClean = true
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for file in files {
            let result: FileValidation
            do {
                // A link named on the command line is followed: the user chose it. (The service
                // never follows one dropped in an inbox.)
                let path = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
                result = try FileValidation.validate(path: path, pipeline: pipelineConfig, kind: fileKind, journal: journal)
            } catch {
                FileHandle.standardError.write(Data("openlayer-drop: cannot read \(file): \(error)\n".utf8))
                allClean = false
                continue
            }
            allClean = allClean && result.verdict == .clean
            print(json ? String(decoding: try encoder.encode(result), as: UTF8.self) : result.text)
        }
        if !allClean { throw ExitCode(1) }
    }
}

extension FileKind {
    /// As written on the command line: the inbox subfolder's name.
    init?(argument: String) {
        switch argument {
        case "predictions": self = .predictions
        case "ground-truths", "groundTruths": self = .groundTruths
        case "reference": self = .reference
        default: return nil
        }
    }
}

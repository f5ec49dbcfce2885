import DropEngine
import Foundation
import Testing

/// `Corpus/expected.json`: malformed files and configs, each beside the problems the checks
/// must find in it. The files are real files, so that what is tested is what a user drops.
struct CorpusManifest: Decodable, Sendable {
    /// One problem as a test compares it: its kind and where it is.
    struct Place: Codable, Equatable, Sendable, CustomStringConvertible {
        var kind: String
        var line: Int?
        var column: Int?
        var columnName: String?

        var description: String {
            "\(kind)@\(line.map(String.init) ?? "-"):\(column.map(String.init) ?? "-")\(columnName.map { " '\($0)'" } ?? "")"
        }
    }

    struct FileCase: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var pipeline: String
        var kind: String
        var verdict: String
        var note: String
        var issues: [Place]
        var testDescription: String { file }
    }

    struct ConfigCase: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        /// nil for a config that must load.
        var kind: String?
        var keyPath: String?
        /// A part of the message that must be in it.
        var message: String?
        var note: String
        var testDescription: String { file }
    }

    /// UNIX seconds the files' timestamps are checked against.
    var now: Int64
    /// The config whose pipelines the files are checked for.
    var pipelines: String
    var files: [FileCase]
    var configs: [ConfigCase]

    static let folder: URL? = Bundle.module.url(forResource: "Corpus", withExtension: nil)

    static func load() throws -> CorpusManifest {
        guard let folder else { throw CocoaError(.fileNoSuchFile) }
        return try JSONDecoder().decode(CorpusManifest.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
    }

    /// Empty when the manifest cannot be read: `CorpusTests.manifest` fails then.
    static let loaded: CorpusManifest? = try? load()
}

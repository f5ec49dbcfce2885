@testable import DropEngine
import DropFormats
import Foundation
import Testing

/// Every malformed file and config of `Corpus/` through the real checks: `FileValidation.validate`
/// for files, `ConfigLoader.parse` for configs. Each must report exactly its expected problems.
@Suite("The corpus of malformed files and configs")
struct CorpusTests {
    static let environment = ["OPENLAYER_API_KEY": "sk-corpus"]

    static func path(_ relative: String) throws -> String {
        try #require(CorpusManifest.folder).appendingPathComponent(relative).path
    }

    static func pipelines() throws -> DropConfig {
        let manifest = try #require(CorpusManifest.loaded)
        return try ConfigLoader.load(path: try path(manifest.pipelines), environment: environment)
    }

    @Test("The manifest lists at least 50 cases, and one for every kind of problem")
    func manifest() throws {
        let manifest = try #require(CorpusManifest.loaded, "Corpus/expected.json must be in the test bundle")
        #expect(manifest.files.count + manifest.configs.count >= 50)
        let fileKinds = Set(manifest.files.flatMap { $0.issues.map(\.kind) })
        for kind in IssueKind.allCases {
            #expect(fileKinds.contains(kind.rawValue), "no corpus file shows \(kind.rawValue)")
        }
        #expect(fileKinds.subtracting(IssueKind.allCases.map(\.rawValue)).isEmpty, "unknown kinds: \(fileKinds)")
        // A missing config file is no corpus file, and `invalid-value` is only the default.
        let configKinds = Set(manifest.configs.compactMap(\.kind))
        for kind in ConfigError.Kind.allCases where kind != .unreadableFile && kind != .invalidValue {
            #expect(configKinds.contains(kind.rawValue), "no corpus config shows \(kind.rawValue)")
        }
        #expect(configKinds.subtracting(ConfigError.Kind.allCases.map(\.rawValue)).isEmpty, "unknown kinds: \(configKinds)")
    }

    @Test("Each file reports exactly its problems: kind, line, column", arguments: CorpusManifest.loaded?.files ?? [])
    func file(_ entry: CorpusManifest.FileCase) throws {
        let manifest = try #require(CorpusManifest.loaded)
        let pipeline = try #require(try Self.pipelines().pipeline(named: entry.pipeline))
        let kind = try #require(FileKind(rawValue: entry.kind))
        let result = try FileValidation.validate(path: try Self.path(entry.file), pipeline: pipeline, kind: kind, now: manifest.now)
        let found = result.problems.map { CorpusManifest.Place(kind: $0.kind.rawValue, line: $0.line, column: $0.column, columnName: $0.columnName) }
            + result.firstIssues.map { CorpusManifest.Place(kind: $0.kind.rawValue, line: $0.line, column: $0.column, columnName: $0.columnName) }
        #expect(found == entry.issues, "\(entry.file): \(result.text)")
        #expect(result.verdict.rawValue == entry.verdict, "\(entry.file): \(result.text)")
        // The report a person reads says each problem where it is.
        for problem in result.problems { #expect(result.text.contains(problem.description)) }
    }

    @Test("Each config stops the start with its kind, key path and message", arguments: CorpusManifest.loaded?.configs ?? [])
    func config(_ entry: CorpusManifest.ConfigCase) throws {
        let path = try Self.path(entry.file)
        let yaml = try String(contentsOfFile: path, encoding: .utf8)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            _ = try ConfigLoader.parse(yaml: yaml, file: entry.file, relativeTo: folder, environment: Self.environment)
            #expect(entry.kind == nil, "\(entry.file) loaded, but should fail with \(entry.kind ?? "")")
        } catch {
            #expect(error.kind.rawValue == entry.kind, "\(error)")
            #expect(error.keyPath == entry.keyPath, "\(error)")
            #expect(error.message.contains(entry.message ?? "\u{0}"), "\(error)")
            #expect(error.description.hasPrefix(entry.file + ": "))
        }
    }

    @Test("Publishing sets aside exactly the rows the survey counted", arguments: (CorpusManifest.loaded?.files ?? []).filter {
        $0.verdict == "partly" && $0.kind != FileKind.reference.rawValue
    })
    func publishAgrees(_ entry: CorpusManifest.FileCase) async throws {
        let pipeline = try #require(try Self.pipelines().pipeline(named: entry.pipeline))
        let kind = try #require(FileKind(rawValue: entry.kind))
        let plan = ColumnPlan(taskType: pipeline.taskType, dataConfig: pipeline.dataConfig, purpose: kind)
        let path = try Self.path(entry.file)
        let timestamps = TimestampRule(windowDays: pipeline.publish.timestampWindowDays, now: try #require(CorpusManifest.loaded).now)
        let survey = try FileSurvey.survey(
            path: path, format: try #require(SourceFormat(fileName: path)), plan: plan, timestamps: timestamps,
            decompression: Decompression(fileName: path, maxExpansionRatio: pipeline.publish.limits.maxExpansionRatio))
        #expect(survey.invalidRowCount > 0)
        let (outcome, batches, _) = try await Fixtures.publish(survey, plan: plan)
        #expect(outcome.rowsInvalid == survey.invalidRowCount)
        #expect(outcome.rowsAcknowledged == survey.rowCount - survey.invalidRowCount)
        let sentIds = try batches.flatMap(Fixtures.rows).compactMap { row -> String? in
            if case .string(let id)? = row[plan.inferenceIdColumn] { id } else { nil }
        }
        #expect(Set(sentIds).count == sentIds.count, "an id was sent twice: \(sentIds)")
    }
}

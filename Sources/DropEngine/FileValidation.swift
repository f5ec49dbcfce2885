import DropFormats
import Foundation

/// The checks the service makes before publishing, run alone: what `validate` reports and
/// what decides between publishing, setting rows aside and rejecting a file.
public struct FileValidation: Sendable, Codable {
    public enum Verdict: String, Sendable, Codable {
        /// Every row would be published.
        case clean
        /// Some rows would be set aside; the rest published.
        case partly
        /// The file would be rejected whole.
        case rejected
    }

    /// Inference ids of a predictions file that earlier files already published to the
    /// pipeline. A warning, not a reason to reject: ids may be reused on purpose, and a file
    /// sent twice is caught by its SHA-256 before this matters.
    public struct AlreadyPublished: Sendable, Codable, Equatable {
        /// Rows whose given id was published before.
        public var count: Int
        /// The first few such ids.
        public var examples: [String]

        /// `warning: 3 rows carry inference ids already published to 'fraud' by earlier files (a1, a2, a3): …`
        public func warning(pipeline: String) -> String {
            "warning: \(count) row\(count == 1 ? "" : "s") carry inference ids already published to '\(pipeline)' by earlier files "
                + "(\(examples.joined(separator: ", "))\(count > examples.count ? ", ..." : "")): they would be published again, "
                + "and Openlayer does not de-duplicate rows"
        }
    }

    public var file: String
    public var pipeline: String
    public var kind: FileKind
    public var verdict: Verdict
    public var rows: Int
    public var invalidRows: Int
    /// `problems`, as a person reads them.
    public var fileProblems: [String]
    /// Why the file would be rejected whole, with kinds and places.
    public var problems: [FileProblem]
    public var issues: IssueSummary
    /// Every issue, up to `FileSurvey.issueLimit`.
    public var firstIssues: [RowIssue]
    /// Set when a journal was given and some given ids were published before.
    public var alreadyPublished: AlreadyPublished?

    /// Reads `path` as the service would for `pipeline`, sending nothing.
    /// - Parameters:
    ///   - journal: the service's journal, if at hand: then ids already published are pointed out.
    ///   - now: UNIX seconds that a `timestampWindowDays` window is around.
    public static func validate(
        path: String, pipeline: PipelineConfig, kind: FileKind = .predictions, journal: Journal? = nil,
        now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws -> FileValidation {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let plan = ColumnPlan(taskType: pipeline.taskType, dataConfig: pipeline.dataConfig, purpose: kind)
        guard let format = SourceFormat(fileName: name) else {
            let problem = FileProblem(kind: .unknownExtension, message: "expected a .csv, .jsonl or .ndjson file; the extension says what format to read")
            return FileValidation(
                file: path, pipeline: pipeline.name, kind: kind, verdict: .rejected, rows: 0, invalidRows: 0,
                fileProblems: [problem.description], problems: [problem], issues: IssueSummary([]), firstIssues: [])
        }
        let timestamps = TimestampRule(windowDays: pipeline.publish.timestampWindowDays, now: now)
        let survey = try FileSurvey.survey(
            path: path, format: format, plan: plan, timestamps: timestamps, limits: pipeline.publish.limits,
            decompression: Decompression(fileName: name, maxExpansionRatio: pipeline.publish.limits.maxExpansionRatio))
        var problems = survey.problems
        if let threshold = survey.thresholdProblem(maxInvalidRowFraction: pipeline.publish.maxInvalidRowFraction), problems.isEmpty {
            problems.append(FileProblem(kind: .tooManyInvalidRows, message: threshold))
        }
        let verdict: Verdict = !problems.isEmpty ? .rejected : (survey.invalidRowCount > 0 ? .partly : .clean)
        var validation = FileValidation(
            file: path, pipeline: pipeline.name, kind: kind, verdict: verdict, rows: survey.rowCount,
            invalidRows: survey.invalidRowCount, fileProblems: problems.map(\.description), problems: problems,
            issues: IssueSummary(survey.rowIssues), firstIssues: survey.rowIssues)
        if let journal, verdict != .rejected {
            validation.alreadyPublished = try alreadyPublished(survey, plan: plan, pipeline: pipeline.name, journal: journal)
        }
        return validation
    }

    /// The valid rows of a predictions file whose given inference id the journal says another
    /// file published to `pipeline`; nil when there are none (or the file is not predictions).
    /// Reads the file again, asking the journal about many ids at a time.
    /// - Parameter excluding: the journal's entry for this very file, whose ids may be in it.
    public static func alreadyPublished(
        _ survey: FileSurvey, plan: ColumnPlan, pipeline: String, journal: Journal, excluding fileId: Int64? = nil
    ) throws -> AlreadyPublished? {
        guard plan.purpose == .predictions, survey.rowCount > survey.rowsWithoutInferenceId + survey.invalidRowCount else { return nil }
        var found = AlreadyPublished(count: 0, examples: [])
        try survey.givenInferenceIds(plan: plan) { chunk in
            let published = try journal.publishedInferenceIds(chunk, pipeline: pipeline, excluding: fileId)
            found.count += published.count
            found.examples += published.prefix(max(0, 3 - found.examples.count))
        }
        return found.count > 0 ? found : nil
    }

    /// The report a person reads.
    public var text: String {
        let name = URL(fileURLWithPath: file).lastPathComponent
        var lines: [String]
        switch verdict {
        case .clean: lines = ["\(file): ok, \(rows) rows for pipeline '\(pipeline)'"]
        case .partly: lines = ["\(file): \(invalidRows) of \(rows) rows would be set aside in rejected/; the others would be published"]
        case .rejected: lines = ["\(file): would be rejected whole; nothing would be sent"]
        }
        lines += fileProblems.map { "  \(name): \($0)" }
        if let alreadyPublished { lines.append("  \(name): \(alreadyPublished.warning(pipeline: pipeline))") }
        lines += issues.lines(fileName: name)
        return lines.joined(separator: "\n")
    }
}

extension FileSurvey {
    /// The reason to reject the whole file for its share of invalid rows, if above the limit.
    func thresholdProblem(maxInvalidRowFraction: Double) -> String? {
        let fraction = rowCount == 0 ? 0 : Double(invalidRowCount) / Double(rowCount)
        guard fraction > maxInvalidRowFraction else { return nil }
        return String(
            format: "%d of %d rows (%.1f%%) are invalid, more than maxInvalidRowFraction (%g): the whole file is set aside untouched",
            invalidRowCount, rowCount, fraction * 100, maxInvalidRowFraction)
    }
}

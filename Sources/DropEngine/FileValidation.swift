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

    public var file: String
    public var pipeline: String
    public var kind: FileKind
    public var verdict: Verdict
    public var rows: Int
    public var invalidRows: Int
    public var fileProblems: [String]
    public var issues: IssueSummary
    /// Every issue, up to `FileSurvey.issueLimit`.
    public var firstIssues: [RowIssue]

    /// Reads `path` as the service would for `pipeline`, sending nothing.
    public static func validate(path: String, pipeline: PipelineConfig, kind: FileKind = .predictions) throws -> FileValidation {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let plan = ColumnPlan(taskType: pipeline.taskType, dataConfig: pipeline.dataConfig, purpose: kind)
        guard let format = SourceFormat(fileName: name) else {
            return FileValidation(
                file: path, pipeline: pipeline.name, kind: kind, verdict: .rejected, rows: 0, invalidRows: 0,
                fileProblems: ["expected a .csv, .jsonl or .ndjson file; the extension says what format to read"],
                issues: IssueSummary([]), firstIssues: [])
        }
        let survey = try FileSurvey.survey(path: path, format: format, plan: plan)
        var problems = survey.fileProblems
        if let threshold = survey.thresholdProblem(maxInvalidRowFraction: pipeline.publish.maxInvalidRowFraction), problems.isEmpty {
            problems.append(threshold)
        }
        let verdict: Verdict = !problems.isEmpty ? .rejected : (survey.invalidRowCount > 0 ? .partly : .clean)
        return FileValidation(
            file: path, pipeline: pipeline.name, kind: kind, verdict: verdict, rows: survey.rowCount,
            invalidRows: survey.invalidRowCount, fileProblems: problems, issues: IssueSummary(survey.rowIssues),
            firstIssues: survey.rowIssues)
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

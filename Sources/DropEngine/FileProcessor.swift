import Foundation
import Logging
import OpenlayerAPI

/// Takes one dropped file from the inbox to its end: published and archived with a receipt,
/// or moved to `rejected/` with a report. This is the whole life of a file, in order.
public struct FileProcessor: Sendable {
    public let binding: PipelineBinding
    public let archivist: Archivist
    private let plan: ColumnPlan
    private let publishBatch: @Sendable (String, DataStreamBatch) async throws -> Void
    private let logger: Logger

    /// - Parameter publishBatch: sends one batch to the inference pipeline with this id and
    ///   returns once it is acknowledged (`OpenlayerClient.streamData` in the service).
    public init(
        binding: PipelineBinding, directories: DropDirectories, logger: Logger,
        publishBatch: @escaping @Sendable (String, DataStreamBatch) async throws -> Void
    ) {
        self.binding = binding
        self.archivist = Archivist(directories: directories)
        self.plan = ColumnPlan(taskType: binding.config.taskType, dataConfig: binding.config.dataConfig)
        self.publishBatch = publishBatch
        var logger = logger
        logger[metadataKey: "pipeline"] = "\(binding.config.name)"
        self.logger = logger
    }

    public enum Result: Sendable {
        case published(Receipt)
        /// The path of the report beside the rejected file.
        case rejected(report: String)
        /// The file was gone before it could be read (deleted or moved by someone else).
        case vanished
    }

    /// Publishes or rejects `path`. Throws when the file must stay in the inbox and be tried
    /// again (the API could not be reached, the file changed while read, a move failed).
    public func process(_ path: String) async throws -> Result {
        let name = URL(fileURLWithPath: path).lastPathComponent
        var logger = logger
        logger[metadataKey: "file"] = "\(name)"
        let started = Date()
        guard let format = SourceFormat(fileName: name) else {
            return try reject(path, RejectionReport(
                fileName: name, pipeline: binding.config.name, when: Self.iso(started),
                problems: ["expected a .csv, .jsonl or .ndjson file; the extension says what format to read"]), logger: logger)
        }
        let survey: FileSurvey
        do { survey = try FileSurvey.survey(path: path, format: format, plan: plan) } catch {
            if !FileManager.default.fileExists(atPath: path) { return .vanished }
            throw error
        }
        guard survey.isPublishable else {
            return try reject(path, RejectionReport(survey: survey, fileName: name, pipeline: binding.config.name, when: Self.iso(started)), logger: logger)
        }

        let pipelineId = binding.inferencePipelineId
        let publisher = FilePublisher(plan: plan, settings: binding.config.publish)
        let outcome = try await publisher.publish(survey, uploadTime: Int64(started.timeIntervalSince1970)) { batch in
            try await publishBatch(pipelineId, batch)
            logger.debug("batch acknowledged", metadata: ["rows": "\(batch.rowCount)", "bytes": "\(batch.byteCount)"])
        }
        let finished = Date()
        let (archived, receipt) = try archivist.archive(path, pipeline: binding.config.name, at: finished) { archived in
            makeReceipt(survey: survey, outcome: outcome, name: name, started: started, finished: finished, archived: archived)
        }
        logger.info("published", metadata: [
            "rows": "\(outcome.rowsPublished)", "batches": "\(outcome.batches)",
            "seconds": "\(String(format: "%.3f", finished.timeIntervalSince(started)))", "archived": "\(archived)",
        ])
        return .published(receipt)
    }

    private func reject(_ path: String, _ report: RejectionReport, logger: Logger) throws -> Result {
        let reportPath = try archivist.reject(path, pipeline: binding.config.name, report: report)
        let reason = report.fileProblems.first ?? report.rowIssues.first.map { "\(report.fileName):\(RejectionReport.location($0)): \(RejectionReport.message($0))" } ?? "rejected"
        logger.warning("rejected: \(reason)", metadata: ["report": "\(reportPath)"])
        return .rejected(report: reportPath)
    }

    private func makeReceipt(
        survey: FileSurvey, outcome: FilePublisher.Outcome, name: String, started: Date, finished: Date, archived: String
    ) -> Receipt {
        let idSource = outcome.generatedIds == 0 ? "file" : (outcome.generatedIds == survey.rowCount ? "generated" : "mixed")
        let defaultName = binding.config.publish.timestampDefault.rawValue
        let timeSource = outcome.filledTimestamps == 0 ? "file" : (outcome.filledTimestamps == survey.rowCount ? defaultName : "mixed:\(defaultName)")
        return Receipt(
            file: name, pipeline: binding.config.name, project: binding.config.project,
            inferencePipelineId: binding.inferencePipelineId, format: survey.format.rawValue,
            sha256: survey.sha256, bytes: survey.byteCount, rows: survey.rowCount,
            rowsPublished: outcome.rowsPublished, rowsRejected: 0, batches: outcome.batches,
            inferenceIds: .init(
                column: plan.inferenceIdColumn, source: idSource, generated: outcome.generatedIds,
                first: outcome.firstInferenceId, last: outcome.lastInferenceId),
            timestamps: .init(
                column: plan.timestampColumn, source: timeSource, filled: outcome.filledTimestamps,
                defaultValue: outcome.filledTimestamps > 0 ? outcome.defaultTimestamp : nil),
            startedAt: Self.iso(started), finishedAt: Self.iso(finished),
            durationSeconds: (finished.timeIntervalSince(started) * 1000).rounded() / 1000,
            archivedAs: archived)
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

import DropFormats
import Foundation
import NIOConcurrencyHelpers

/// The publishing pass of a predictions file with nothing sent: read, hash, type, fill in,
/// write every request body, throw it away. What `Benchmarks/EncodeThroughput` times as
/// parse → type → JSON: the very code the service runs, on one core, without the network.
public enum EncodingPass {
    public struct Measurement: Sendable {
        /// Rows written into request bodies.
        public var rows: Int
        /// Bytes of the request bodies.
        public var bodyBytes: Int
        /// Wall seconds of the publishing pass alone (the survey before it is not counted).
        public var seconds: Double
    }

    /// Surveys `path` as predictions of `pipeline`, then times its publishing pass.
    public static func measure(path: String, pipeline: PipelineConfig) async throws -> Measurement {
        let plan = ColumnPlan(taskType: pipeline.taskType, dataConfig: pipeline.dataConfig, purpose: .predictions)
        guard let format = SourceFormat(fileName: path) else { throw EngineError.journal("\(path): expected a .csv or .jsonl file") }
        let survey = try FileSurvey.survey(
            path: path, format: format, plan: plan,
            decompression: Decompression(fileName: path, maxExpansionRatio: pipeline.publish.limits.maxExpansionRatio))
        let rejects = RejectedRowsWriter(
            claimedPath: NSTemporaryDirectory() + "/encoding-pass-\(getpid())", format: format, header: format == .csv ? survey.columns : nil)
        defer { rejects.discard() }
        let bodyBytes = NIOLockedValueBox(0)
        let started = ContinuousClock.now
        let outcome = try await FilePublisher(plan: plan, settings: pipeline.publish).publish(
            survey, defaultTimestamp: survey.modificationTime, prior: [], rejects: rejects,
            deliver: { batch in
                bodyBytes.withLockedValue { $0 += batch.byteCount }
                return .acknowledged
            },
            record: { _, _ in })
        let elapsed = ContinuousClock.now - started
        return Measurement(
            rows: outcome.rowsAcknowledged, bodyBytes: bodyBytes.withLockedValue { $0 },
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

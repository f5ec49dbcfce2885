@testable import DropEngine
import DropJSON
import OpenlayerAPI

/// The fraud pipeline of the samples, in code.
enum Fixtures {
    static var fraudConfig: DataConfig {
        var config = DataConfig()
        config.classNames = ["legit", "fraud"]
        config.featureNames = ["amount", "merchant", "hour"]
        config.categoricalFeatureNames = ["merchant"]
        config.predictionsColumnName = "prediction"
        config.predictionScoresColumnName = "scores"
        config.labelColumnName = "label"
        config.inferenceIdColumnName = "inference_id"
        config.timestampColumnName = "timestamp"
        return config
    }

    static var fraudPlan: ColumnPlan {
        ColumnPlan(taskType: .tabularClassification, dataConfig: fraudConfig)
    }

    /// Publishes a surveyed file through a `FilePublisher`, collecting the batches instead of
    /// sending them; `answer` decides each batch's fate (acknowledged by default).
    static func publish(
        _ survey: FileSurvey, plan: ColumnPlan = fraudPlan, settings: PublishSettings = PublishSettings(),
        defaultTimestamp: Int64? = nil, prior: [JournalBatch] = [],
        answer: @escaping @Sendable (DataStreamBatch) -> BatchDelivery.Outcome = { _ in .acknowledged }
    ) async throws -> (FilePublisher.Outcome, [DataStreamBatch], [JournalBatch]) {
        let collector = BatchCollector()
        let journaled = JournalCollector()
        let rejects = RejectedRowsWriter(claimedPath: survey.path, format: survey.format, header: survey.format == .csv ? survey.columns : nil)
        defer { rejects.discard() }
        let outcome = try await FilePublisher(plan: plan, settings: settings).publish(
            survey, defaultTimestamp: defaultTimestamp ?? survey.modificationTime, prior: prior, rejects: rejects,
            deliver: { batch in
                await collector.add(batch)
                return answer(batch)
            },
            record: { batch, _ in journaled.add(batch) })
        return (outcome, await collector.batches, journaled.batches)
    }

    /// The rows of a batch body, parsed back.
    static func rows(of batch: DataStreamBatch) throws -> [JSONObject] {
        guard case .object(let body) = try JSONParser.parse(batch.finished()), case .array(let rows)? = body["rows"] else {
            return []
        }
        return rows.compactMap { if case .object(let row) = $0 { row } else { nil } }
    }

    static func config(of batch: DataStreamBatch) throws -> JSONObject? {
        guard case .object(let body) = try JSONParser.parse(batch.finished()), case .object(let config)? = body["config"] else {
            return nil
        }
        return config
    }
}

final class JournalCollector: @unchecked Sendable {
    private(set) var batches: [JournalBatch] = []
    func add(_ batch: JournalBatch) { batches.append(batch) }
}

actor BatchCollector {
    var batches: [DataStreamBatch] = []
    func add(_ batch: DataStreamBatch) { batches.append(batch) }
}

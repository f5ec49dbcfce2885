@testable import DropEngine
import DropFormats
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

    /// Publishes a surveyed file through a `FilePublisher`, collecting the batches instead of sending them.
    static func publish(
        _ survey: FileSurvey, plan: ColumnPlan = fraudPlan, settings: PublishSettings = PublishSettings(), uploadTime: Int64 = 1_700_000_000
    ) async throws -> (FilePublisher.Outcome, [DataStreamBatch]) {
        let collector = BatchCollector()
        let outcome = try await FilePublisher(plan: plan, settings: settings).publish(survey, uploadTime: uploadTime) { batch in
            await collector.add(batch)
        }
        return (outcome, await collector.batches)
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

actor BatchCollector {
    var batches: [DataStreamBatch] = []
    func add(_ batch: DataStreamBatch) { batches.append(batch) }
}

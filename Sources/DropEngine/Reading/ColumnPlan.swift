import DropJSON
import OpenlayerAPI

/// Which columns a pipeline's files must have and how each is typed, derived once per
/// pipeline from its data config.
public struct ColumnPlan: Sendable {
    public let taskType: TaskType
    public let dataConfig: DataConfig
    public let purpose: FileKind
    /// Columns every file must have. Predictions: all the config names, except the ground truth
    /// (a predictions file may come before its labels) and the id and timestamp (filled in).
    /// References: the features and the ground truth, if configured; predictions and scores
    /// may be absent. Ground truths: the inference id
    /// and the ground-truth column.
    public let required: [String]
    public let inferenceIdColumn: String
    public let timestampColumn: String
    /// The ground-truth column, under the name the config gives it.
    public let groundTruthColumn: String?
    /// Only these columns are sent, in this order (ground truths); nil sends every column.
    public let sentColumns: [String]?
    /// Whether missing inference ids and timestamps are filled in (predictions only: a ground
    /// truth without an id matches nothing, and a reference dataset is sent as it is).
    public var fillsDefaults: Bool { purpose == .predictions }
    /// Whether a row without an inference id is invalid (ground truths).
    public var requiresInferenceId: Bool { purpose == .groundTruths }
    private let kinds: [String: ColumnKind]

    public init(taskType: TaskType, dataConfig config: DataConfig, purpose: FileKind = .predictions) {
        self.taskType = taskType
        self.dataConfig = config
        self.purpose = purpose
        inferenceIdColumn = config.effectiveInferenceIdColumn
        timestampColumn = config.effectiveTimestampColumn
        groundTruthColumn = config.groundTruthColumn
        let classCount = config.classNames?.count
        let isClassification = taskType == .tabularClassification || taskType == .textClassification
        let outcomeKind: ColumnKind = isClassification ? .classIndex(classCount: classCount ?? 0) : .number

        var kinds: [String: ColumnKind] = [:]
        var required: [String] = []
        func name(_ column: String?, _ kind: ColumnKind, required isRequired: Bool = true) {
            guard let column else { return }
            kinds[column] = kind
            if isRequired, !required.contains(column) { required.append(column) }
        }
        if purpose == .groundTruths {
            name(inferenceIdColumn, .string)
            name(config.labelColumnName, outcomeKind)
            name(config.targetColumnName, .number)
            name(config.groundTruthColumnName, .string)
            sentColumns = [inferenceIdColumn] + (groundTruthColumn.map { [$0] } ?? [])
            self.kinds = kinds
            self.required = required
            return
        }
        sentColumns = nil
        let categorical = Set(config.categoricalFeatureNames ?? [])
        for feature in config.featureNames ?? [] {
            name(feature, categorical.contains(feature) ? .string : .number)
        }
        name(config.textColumnName, .string)
        for variable in config.inputVariableNames ?? [] { name(variable, .string) }
        name(config.outputColumnName, .string)
        name(config.contextColumnName, .inferred)
        name(config.questionColumnName, .string)
        name(config.costColumnName, .number)
        name(config.numOfTokenColumnName, .number)
        name(config.sessionIdColumnName, .string)
        name(config.userIdColumnName, .string)
        // Reference data is often training data: labels, no predictions (the SDK uploads it so).
        let isReference = purpose == .reference
        name(config.predictionsColumnName, outcomeKind, required: !isReference)
        name(config.predictionScoresColumnName, .scores(classCount: classCount), required: !isReference)
        name(config.latencyColumnName, .number)
        name(config.labelColumnName, outcomeKind, required: isReference)
        name(config.targetColumnName, .number, required: isReference)
        name(config.groundTruthColumnName, .string, required: isReference)
        name(inferenceIdColumn, .string, required: false)
        name(timestampColumn, .timestamp, required: false)
        self.kinds = kinds
        self.required = required
    }

    public func kind(of column: String) -> ColumnKind {
        kinds[column] ?? .inferred
    }

    /// The `config` object sent with rows: the data config as written, naming only columns
    /// that exist in what is sent (the id and timestamp always do once defaults are filled).
    public func wireConfig(presentColumns: Set<String>) -> JSONObject {
        if purpose == .groundTruths {
            // What the SDK's update_batch_inferences sends: the id and the ground truth.
            var config = JSONObject([.init(key: "inferenceIdColumnName", value: .string(inferenceIdColumn))])
            for key in ["labelColumnName", "targetColumnName", "groundTruthColumnName"] {
                if case .string(let column)? = DataConfig.wireObject(dataConfig)[key] { config[key] = .string(column) }
            }
            if let classes = dataConfig.classNames { config["classNames"] = .array(classes.map(JSONValue.string)) }
            return config
        }
        var config = DataConfig.wireObject(dataConfig)
        // Columns a file may lack (labels; in a reference dataset, predictions and scores).
        for key in ["labelColumnName", "targetColumnName", "groundTruthColumnName", "predictionsColumnName", "predictionScoresColumnName"] {
            if case .string(let column)? = config[key], !presentColumns.contains(column) { config[key] = nil }
        }
        if fillsDefaults {
            config["inferenceIdColumnName"] = .string(inferenceIdColumn)
            config["timestampColumnName"] = .string(timestampColumn)
        } else {
            for key in ["inferenceIdColumnName", "timestampColumnName"] {
                if case .string(let column)? = config[key], !presentColumns.contains(column) { config[key] = nil }
            }
        }
        if (taskType == .tabularClassification || taskType == .tabularRegression), config["categoricalFeatureNames"] == nil {
            // Openlayer's schema wants the three feature keys together; [] means "none categorical".
            config["categoricalFeatureNames"] = .array([])
        }
        return config
    }
}

extension DataConfig {
    /// The data config as a JSON object in the order Openlayer documents its keys.
    static func wireObject(_ config: DataConfig) -> JSONObject {
        var object = JSONObject()
        func put(_ key: String, _ value: String?) { if let value { object[key] = .string(value) } }
        func put(_ key: String, _ values: [String]?) { if let values { object[key] = .array(values.map(JSONValue.string)) } }
        put("classNames", config.classNames)
        put("featureNames", config.featureNames)
        put("categoricalFeatureNames", config.categoricalFeatureNames)
        put("textColumnName", config.textColumnName)
        put("inputVariableNames", config.inputVariableNames)
        put("outputColumnName", config.outputColumnName)
        put("contextColumnName", config.contextColumnName)
        put("questionColumnName", config.questionColumnName)
        put("costColumnName", config.costColumnName)
        put("numOfTokenColumnName", config.numOfTokenColumnName)
        if let prompt = config.prompt { object["prompt"] = prompt }
        put("sessionIdColumnName", config.sessionIdColumnName)
        put("userIdColumnName", config.userIdColumnName)
        put("predictionsColumnName", config.predictionsColumnName)
        put("predictionScoresColumnName", config.predictionScoresColumnName)
        put("labelColumnName", config.labelColumnName)
        put("targetColumnName", config.targetColumnName)
        put("groundTruthColumnName", config.groundTruthColumnName)
        put("inferenceIdColumnName", config.inferenceIdColumnName)
        put("timestampColumnName", config.timestampColumnName)
        put("latencyColumnName", config.latencyColumnName)
        if let metadata = config.metadata { object["metadata"] = metadata }
        return object
    }
}

import DropFormats
import OpenlayerAPI

/// Which columns a pipeline's files must have and how each is typed, derived once per
/// pipeline from its data config.
public struct ColumnPlan: Sendable {
    public let taskType: TaskType
    public let dataConfig: DataConfig
    /// Columns every file must have: all the config names, except the ground truth (a
    /// predictions file may come before its labels) and the id and timestamp (filled in).
    public let required: [String]
    public let inferenceIdColumn: String
    public let timestampColumn: String
    private let kinds: [String: ColumnKind]

    public init(taskType: TaskType, dataConfig config: DataConfig) {
        self.taskType = taskType
        self.dataConfig = config
        inferenceIdColumn = config.effectiveInferenceIdColumn
        timestampColumn = config.effectiveTimestampColumn
        let classCount = config.classNames?.count
        let isClassification = taskType == .tabularClassification || taskType == .textClassification

        var kinds: [String: ColumnKind] = [:]
        var required: [String] = []
        func name(_ column: String?, _ kind: ColumnKind, required isRequired: Bool = true) {
            guard let column else { return }
            kinds[column] = kind
            if isRequired, !required.contains(column) { required.append(column) }
        }
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
        let outcomeKind: ColumnKind = isClassification ? .classIndex(classCount: classCount ?? 0) : .number
        name(config.predictionsColumnName, outcomeKind)
        name(config.predictionScoresColumnName, .scores(classCount: classCount))
        name(config.latencyColumnName, .number)
        name(config.labelColumnName, outcomeKind, required: false)
        name(config.targetColumnName, .number, required: false)
        name(config.groundTruthColumnName, .string, required: false)
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
        var config = DataConfig.wireObject(dataConfig)
        for key in ["labelColumnName", "targetColumnName", "groundTruthColumnName"] {
            if case .string(let column)? = config[key], !presentColumns.contains(column) { config[key] = nil }
        }
        config["inferenceIdColumnName"] = .string(inferenceIdColumn)
        config["timestampColumnName"] = .string(timestampColumn)
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

import OpenlayerAPI

/// The checks on a data config that Openlayer would otherwise answer with a bare
/// "not valid under any of the given schemas", and those its legacy client made before
/// sending (column names, a label column apart from the predictions). Each failure names the
/// key and the rule, so the config can be fixed without reading Openlayer's schemas.
enum DataConfigRules {
    /// Openlayer's legacy client refused longer column names.
    static let maximumColumnNameLength = 60

    static func check(_ config: DataConfig, taskType: TaskType, keyPath: String, file: String) throws(ConfigError) {
        func fail(_ key: String, _ kind: ConfigError.Kind, _ message: String) -> ConfigError {
            ConfigError(file: file, keyPath: keyPath + "." + key, message: message, kind: kind)
        }
        try checkRequired(config, taskType: taskType, fail: fail)
        for (key, name) in columnNames(config) {
            if let problem = columnNameProblem(name) { throw fail(key, problem.kind, problem.message) }
        }
        try checkGroundTruthKey(config, taskType: taskType, fail: fail)
        let features = Set(config.featureNames ?? [])
        for name in config.categoricalFeatureNames ?? [] where !features.contains(name) {
            throw fail("categoricalFeatureNames", .categoricalNotFeature, "'\(name)' is not in featureNames")
        }
        let outcome = taskType == .llmBase ? ("outputColumnName", config.outputColumnName) : ("predictionsColumnName", config.predictionsColumnName)
        for key in ["labelColumnName", "targetColumnName", "groundTruthColumnName"] {
            guard let column = groundTruth(config, key), column == outcome.1 else { continue }
            throw fail(key, .labelEqualsPredictions, "'\(column)' is also \(outcome.0): the ground truth and the model's \(taskType == .llmBase ? "output" : "predictions") must be different columns")
        }
        let lists = [("classNames", config.classNames), ("featureNames", config.featureNames),
                     ("categoricalFeatureNames", config.categoricalFeatureNames), ("inputVariableNames", config.inputVariableNames)]
        for (key, names) in lists {
            var seen: Set<String> = []
            for (index, name) in (names ?? []).enumerated() where !seen.insert(name).inserted {
                throw fail("\(key)[\(index)]", .duplicateName, "'\(name)' is listed twice in \(key)")
            }
        }
    }

    /// What each task type cannot do without (Openlayer's data config table).
    private static func checkRequired(
        _ config: DataConfig, taskType: TaskType, fail: (String, ConfigError.Kind, String) -> ConfigError
    ) throws(ConfigError) {
        switch taskType {
        case .tabularClassification, .textClassification:
            guard let classes = config.classNames, !classes.isEmpty else {
                throw fail("classNames", .missingForTaskType, "\(taskType.rawValue) needs the list of class names, e.g. [legit, fraud]")
            }
        case .llmBase:
            guard config.outputColumnName != nil else {
                throw fail("outputColumnName", .missingForTaskType, "llm-base needs the column holding the model's output")
            }
        case .tabularRegression:
            break
        }
        if taskType == .tabularClassification || taskType == .tabularRegression {
            guard config.featureNames != nil else {
                throw fail("featureNames", .missingForTaskType, "\(taskType.rawValue) needs the list of feature columns")
            }
        }
        if taskType == .textClassification, config.textColumnName == nil {
            throw fail("textColumnName", .missingForTaskType, "text-classification needs the column holding the text")
        }
    }

    /// Openlayer reads the ground truth under one key per task type; under another, the
    /// column would be sent but never used as the ground truth.
    private static func checkGroundTruthKey(
        _ config: DataConfig, taskType: TaskType, fail: (String, ConfigError.Kind, String) -> ConfigError
    ) throws(ConfigError) {
        let expected = switch taskType {
        case .tabularClassification, .textClassification: "labelColumnName"
        case .tabularRegression: "targetColumnName"
        case .llmBase: "groundTruthColumnName"
        }
        for key in ["labelColumnName", "targetColumnName", "groundTruthColumnName"] where key != expected && groundTruth(config, key) != nil {
            throw fail(key, .wrongGroundTruthKey, "\(taskType.rawValue) takes its ground-truth column as \(expected); use that key instead")
        }
    }

    private static func groundTruth(_ config: DataConfig, _ key: String) -> String? {
        switch key {
        case "labelColumnName": config.labelColumnName
        case "targetColumnName": config.targetColumnName
        default: config.groundTruthColumnName
        }
    }

    /// Every column the config names, under the key path (relative to the data config) that names it.
    static func columnNames(_ config: DataConfig) -> [(key: String, name: String)] {
        let single: [(String, String?)] = [
            ("textColumnName", config.textColumnName), ("outputColumnName", config.outputColumnName),
            ("contextColumnName", config.contextColumnName), ("questionColumnName", config.questionColumnName),
            ("costColumnName", config.costColumnName), ("numOfTokenColumnName", config.numOfTokenColumnName),
            ("sessionIdColumnName", config.sessionIdColumnName), ("userIdColumnName", config.userIdColumnName),
            ("predictionsColumnName", config.predictionsColumnName), ("predictionScoresColumnName", config.predictionScoresColumnName),
            ("labelColumnName", config.labelColumnName), ("targetColumnName", config.targetColumnName),
            ("groundTruthColumnName", config.groundTruthColumnName), ("inferenceIdColumnName", config.inferenceIdColumnName),
            ("timestampColumnName", config.timestampColumnName), ("latencyColumnName", config.latencyColumnName),
        ]
        let lists: [(String, [String]?)] = [
            ("featureNames", config.featureNames), ("categoricalFeatureNames", config.categoricalFeatureNames),
            ("inputVariableNames", config.inputVariableNames),
        ]
        return lists.flatMap { key, names in (names ?? []).enumerated().map { (key: "\(key)[\($0.offset)]", name: $0.element) } }
            + single.compactMap { key, name in name.map { (key: key, name: $0) } }
    }

    /// Openlayer's rule for column names, `^(?!openlayer)[a-zA-Z0-9_-]+$` and at most 60
    /// characters, said with the offending name.
    static func columnNameProblem(_ name: String) -> (kind: ConfigError.Kind, message: String)? {
        let rule = "column names are letters, digits, '_' and '-' only, not starting with 'openlayer' (^(?!openlayer)[a-zA-Z0-9_-]+$)"
        if name.isEmpty { return (.invalidColumnName, "expected a column name, found an empty one: \(rule)") }
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        if !allowed || name.hasPrefix("openlayer") { return (.invalidColumnName, "'\(name)' is not a valid column name: \(rule)") }
        if name.count > maximumColumnNameLength {
            return (.columnNameTooLong, "'\(name)' is \(name.count) characters long: column names are at most \(maximumColumnNameLength) characters")
        }
        return nil
    }
}

import OpenlayerAPI

/// The checks on a data config that Openlayer would otherwise answer with a bare
/// "not valid under any of the given schemas". A later, deeper pass adds the rest.
enum DataConfigRules {
    static func check(_ config: DataConfig, taskType: TaskType, keyPath: String, file: String) throws(ConfigError) {
        func fail(_ key: String, _ message: String) -> ConfigError {
            ConfigError(file: file, keyPath: keyPath + "." + key, message: message)
        }
        switch taskType {
        case .tabularClassification, .textClassification:
            guard let classes = config.classNames, !classes.isEmpty else {
                throw fail("classNames", "\(taskType.rawValue) needs the list of class names, e.g. [legit, fraud]")
            }
        case .llmBase:
            guard config.outputColumnName != nil else {
                throw fail("outputColumnName", "llm-base needs the column holding the model's output")
            }
        case .tabularRegression:
            break
        }
        if taskType == .tabularClassification || taskType == .tabularRegression {
            guard config.featureNames != nil else {
                throw fail("featureNames", "\(taskType.rawValue) needs the list of feature columns")
            }
        }
        if taskType == .textClassification, config.textColumnName == nil {
            throw fail("textColumnName", "text-classification needs the column holding the text")
        }
        let features = Set(config.featureNames ?? [])
        for name in config.categoricalFeatureNames ?? [] where !features.contains(name) {
            throw fail("categoricalFeatureNames", "'\(name)' is not in featureNames")
        }
    }
}

/// A configuration that cannot be used, said the way a person fixes it:
/// which file, which key (as a dotted path), what was expected.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, as a stable identifier; `message` says it for a person.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The file cannot be read.
        case unreadableFile = "unreadable-file"
        /// Not YAML at all.
        case badYAML = "bad-yaml"
        /// The same key twice in one mapping.
        case duplicateKey = "duplicate-key"
        /// The file is YAML, but not a mapping of keys to values.
        case notAMapping = "not-a-mapping"
        /// A key the config does not know, probably misspelt.
        case unknownKey = "unknown-key"
        /// A required key is absent.
        case missingKey = "missing-key"
        /// A value of the wrong type: a string for a list, a word for a number.
        case wrongType = "wrong-type"
        case badTaskType = "bad-task-type"
        /// A value outside the words a setting takes (`mode`, `storage`, ...).
        case badChoice = "bad-choice"
        /// A number outside its range.
        case outOfRange = "out-of-range"
        case badBaseURL = "bad-base-url"
        /// No API key, or an unreadable or empty key file.
        case noAPIKey = "no-api-key"
        case noPipelines = "no-pipelines"
        /// A pipeline's name is its inbox folder, so it must be one.
        case badPipelineName = "bad-pipeline-name"
        case missingInferencePipeline = "missing-inference-pipeline"
        /// A data config key the task type needs is absent (`classNames`, `featureNames`, ...).
        case missingForTaskType = "missing-for-task-type"
        /// A `categoricalFeatureNames` entry that is not in `featureNames`.
        case categoricalNotFeature = "categorical-not-feature"
        /// The ground-truth column is the predictions (or output) column.
        case labelEqualsPredictions = "label-equals-predictions"
        /// A ground-truth key another task type uses (`targetColumnName` for classification).
        case wrongGroundTruthKey = "wrong-ground-truth-key"
        /// A column name outside `^(?!openlayer)[a-zA-Z0-9_-]+$`.
        case invalidColumnName = "invalid-column-name"
        /// A column name over 60 characters.
        case columnNameTooLong = "column-name-too-long"
        /// The same name twice in one list (`classNames`, `featureNames`, ...).
        case duplicateName = "duplicate-name"
        /// Any other value that cannot be used.
        case invalidValue = "invalid-value"
    }

    public var file: String
    /// Dotted path of the key, e.g. `pipelines.fraud.dataConfig.classNames`; empty for the whole file.
    public var keyPath: String
    public var message: String
    public var kind: Kind

    public init(file: String, keyPath: String, message: String, kind: Kind = .invalidValue) {
        self.file = file
        self.keyPath = keyPath
        self.message = message
        self.kind = kind
    }

    public var description: String {
        keyPath.isEmpty ? "\(file): \(message)" : "\(file): \(keyPath): \(message)"
    }
}

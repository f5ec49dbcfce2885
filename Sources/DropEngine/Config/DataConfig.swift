import DropJSON
import OpenlayerAPI

/// Openlayer's data config, under Openlayer's own camelCase names, for all four task types.
///
/// Users copy these keys from Openlayer's documentation, so the YAML uses them verbatim and
/// the same struct becomes the `config` object on the wire (see `wireConfig`).
public struct DataConfig: Sendable, Equatable, Codable {
    public var classNames: [String]?
    public var featureNames: [String]?
    public var categoricalFeatureNames: [String]?
    public var textColumnName: String?
    public var inputVariableNames: [String]?
    public var outputColumnName: String?
    public var contextColumnName: String?
    public var questionColumnName: String?
    public var costColumnName: String?
    public var numOfTokenColumnName: String?
    public var prompt: JSONValue?
    public var sessionIdColumnName: String?
    public var userIdColumnName: String?
    public var predictionsColumnName: String?
    public var predictionScoresColumnName: String?
    public var labelColumnName: String?
    public var targetColumnName: String?
    public var groundTruthColumnName: String?
    public var inferenceIdColumnName: String?
    public var timestampColumnName: String?
    public var latencyColumnName: String?
    public var metadata: JSONValue?

    /// Openlayer's names, listed for the unknown-key check; `ConfigKeyTests` keeps the list
    /// equal to the stored properties.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case classNames, featureNames, categoricalFeatureNames, textColumnName, inputVariableNames, outputColumnName
        case contextColumnName, questionColumnName, costColumnName, numOfTokenColumnName, prompt, sessionIdColumnName
        case userIdColumnName, predictionsColumnName, predictionScoresColumnName, labelColumnName, targetColumnName
        case groundTruthColumnName, inferenceIdColumnName, timestampColumnName, latencyColumnName, metadata
    }

    public init() {}

    /// The inference-id column, named by the config or Openlayer's conventional name.
    public var effectiveInferenceIdColumn: String { inferenceIdColumnName ?? "inference_id" }
    /// The timestamp column, named by the config or Openlayer's conventional name.
    public var effectiveTimestampColumn: String { timestampColumnName ?? "timestamp" }

    /// The ground-truth column under whichever name the task type uses.
    public var groundTruthColumn: String? { labelColumnName ?? targetColumnName ?? groundTruthColumnName }
}

extension JSONValue: Codable {
    /// Lets free-form parts of the YAML config (`metadata`, `prompt`) pass through unchanged.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            let dictionary = try container.decode([String: JSONValue].self)
            self = .object(JSONObject(dictionary.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value) }))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let object):
            try container.encode(Dictionary(object.fields.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
        }
    }
}

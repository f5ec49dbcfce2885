/// The kinds of project Openlayer knows; each has its own data-config schema.
public enum TaskType: String, Sendable, CaseIterable, Codable {
    case llmBase = "llm-base"
    case tabularClassification = "tabular-classification"
    case tabularRegression = "tabular-regression"
    case textClassification = "text-classification"
}

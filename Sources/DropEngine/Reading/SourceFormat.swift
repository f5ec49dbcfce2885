/// The file formats an inbox accepts, told apart by extension.
public enum SourceFormat: String, Sendable, Codable {
    case csv
    case jsonl

    public init?(fileName: String) {
        let lowered = fileName.lowercased()
        if lowered.hasSuffix(".csv") {
            self = .csv
        } else if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") {
            self = .jsonl
        } else {
            return nil
        }
    }
}

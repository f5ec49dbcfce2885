/// The file formats an inbox accepts, told apart by extension: `.csv`, `.jsonl` or `.ndjson`,
/// each also gzip-compressed with `.gz` after it (`Decompression`).
public enum SourceFormat: String, Sendable, Codable {
    case csv
    case jsonl

    public init?(fileName: String) {
        var lowered = fileName.lowercased()
        if lowered.hasSuffix(".gz") { lowered.removeLast(3) }
        if lowered.hasSuffix(".csv") {
            self = .csv
        } else if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") {
            self = .jsonl
        } else {
            return nil
        }
    }
}

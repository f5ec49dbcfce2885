/// Decides which names in the inbox are finished drops and which are writers' scratch files.
///
/// Why: tools rarely write a file in one step. rsync, curl, browsers, editors and our own
/// recommended "write then rename" pattern first write to a temporary name (`.x.csv.XXXX`,
/// `x.csv.tmp`, `x.csv.part`, `.x.csv.swp`) and rename it once complete. Publishing such a
/// file would upload half a file, and its final name will be reported anyway when it
/// appears. The filter applies to directory names too: a hidden or `.tmp` directory is a
/// staging area, and its files are reported once it is renamed to an accepted name.
///
/// Matching is on the last path component; suffixes are compared ASCII-case-insensitively
/// (`X.TMP` is as temporary as `x.tmp`).
public struct FileNameFilter: Sendable, Equatable {
    /// Names starting with one of these are ignored (hidden files: `.x.csv.swp`, rsync's `.x.csv.AbC123`).
    public let ignoredPrefixes: [String]
    /// Names ending with one of these are ignored.
    public let ignoredSuffixes: [String]

    /// Ignores names starting with `.` or ending in `.tmp`, `.part` or `.swp`.
    public static let `default` = FileNameFilter()

    /// The default rules plus `extraIgnoredSuffixes` (e.g. `[".crdownload", "~"]`).
    public init(extraIgnoredSuffixes: [String] = []) {
        self.ignoredPrefixes = ["."]
        self.ignoredSuffixes = [".tmp", ".part", ".swp"] + extraIgnoredSuffixes
    }

    /// Whether `name` (a single path component) is a finished file to publish. Empty names are rejected.
    public func accepts(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        let lowered = Self.asciiLowercased(name)
        if ignoredPrefixes.contains(where: { lowered.hasPrefix(Self.asciiLowercased($0)) }) { return false }
        if ignoredSuffixes.contains(where: { lowered.hasSuffix(Self.asciiLowercased($0)) }) { return false }
        return true
    }

    private static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

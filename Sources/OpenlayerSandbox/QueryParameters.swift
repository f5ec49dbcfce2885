#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The query string of a request, decoded the way HTML forms and Python's `urlencode` encode it.
///
/// Hummingbird's `uri.queryParameters` percent-decodes but leaves `+` alone, while clients built
/// on `httpx` or `requests` (the Openlayer SDK among them) send a space in `name=` as `+`; a
/// project called "fraud model" would then never be found by name.
struct QueryParameters {
    private var values: [String: String] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            // The first occurrence wins, as in most web frameworks.
            if values[key] == nil { values[key] = value }
        }
    }

    subscript(name: String) -> String? { values[name] }

    /// An optional positive integer parameter; a present but malformed or non-positive value is
    /// a 400 rather than silently ignored, so a client bug in paging shows up in tests.
    func positiveInteger(_ name: String) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let number = Int(text), number > 0 else {
            throw SandboxError.badRequest("Query parameter '\(name)' must be a positive integer, got '\(text)'.")
        }
        return number
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = String(text).replacing("+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

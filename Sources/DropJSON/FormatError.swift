/// A problem in the text of a dropped file, located well enough that a person can open the
/// file in an editor and fix it: the line, the column when we know it, and what the reader
/// expected to find there (rather than what it found, which the person can see for themselves).
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based physical line of the file (or of the parsed text).
    public var line: Int
    /// The 1-based character column within `line`, when the reader knows it. Characters are
    /// Unicode scalars, not bytes, so the number matches what an editor shows.
    public var position: Int?
    /// What was expected, e.g. "expected ',' or '}' after an object value".
    public var message: String
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        /// The text cannot be read on from here (a quote never closed).
        case syntax
        /// A record longer than the reader's limit: the rest of it was not read.
        case recordTooLong
    }

    public init(line: Int, position: Int? = nil, message: String, kind: Kind = .syntax) {
        self.line = line
        self.position = position
        self.message = message
        self.kind = kind
    }

    /// A record of more than `limit` bytes starting on `line`.
    public static func recordTooLong(line: Int, limit: Int) -> FormatError {
        FormatError(
            line: line, position: 1, message: "expected a record of at most \(limit) bytes (maxLineBytes), found a longer one starting here",
            kind: .recordTooLong)
    }

    public var description: String {
        if let position {
            return "line \(line), column \(position): \(message)"
        }
        return "line \(line): \(message)"
    }
}

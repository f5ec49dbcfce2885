/// What a file may hold before it is refused whole, with a located reason: a dropped file is
/// untrusted, and these keep a hostile or broken one from taking the service's memory or
/// sending Openlayer requests it cannot take. Each is a setting (`maxColumns`, `maxLineBytes`,
/// `maxExpansionRatio`).
public struct FileLimits: Sendable, Equatable {
    /// Columns of a CSV header, or distinct keys of a JSONL file.
    public var maxColumns = 1000
    /// Bytes of one CSV record or JSONL line: the reader holds a whole record, so this bounds
    /// its memory whatever the file holds (a 100 MB line, a binary file without line feeds).
    public var maxLineBytes = 8 << 20
    /// Decompressed bytes per byte of a `.gz` file, past its first 16 MiB: files of predictions
    /// compress 5 to 20 times; a decompression bomb, a thousand times.
    public var maxExpansionRatio = 200

    public init() {}
}

/// How a dropped file's bytes are to be read: as they are, or through gunzip (a name ending
/// in `.gz`, as pandas infers it).
public enum Decompression: Sendable, Equatable {
    /// The bytes are the text.
    case none
    /// The bytes are gzip members, each a gzip stream, decompressed as they are read and never
    /// written out. A file that decompresses to more than `maxExpansionRatio` times its size
    /// (past the first 16 MiB) is taken for a decompression bomb and read no further.
    case gzip(maxExpansionRatio: Int)

    /// `.gzip` for a name ending in `.gz` (any case), with `maxExpansionRatio`.
    public init(fileName: String, maxExpansionRatio: Int) {
        self = fileName.lowercased().hasSuffix(".gz") ? .gzip(maxExpansionRatio: maxExpansionRatio) : .none
    }

    public var isCompressed: Bool { self != .none }

    /// Decompressed bytes that may be read before the expansion ratio is checked: small
    /// files of repeated rows compress far better than any real file of predictions.
    static let expansionAllowance = 16 << 20
}

/// What became of one file, written beside it in the archive as `<name>.receipt.json`.
/// `rows` always equals `rowsPublished + rowsRejected + rowsDuplicate`, so that a script
/// reading receipts can account for every row. It never holds the API key.
public struct Receipt: Sendable, Codable, Equatable {
    public struct InferenceIds: Sendable, Codable, Equatable {
        /// The column that holds them in what was sent.
        public var column: String
        /// `file` (all from the file), `generated` (all derived from the file's SHA-256 and
        /// the row's ordinal), or `mixed`.
        public var source: String
        public var generated: Int
        public var first: String?
        public var last: String?
    }

    public struct Timestamps: Sendable, Codable, Equatable {
        public var column: String
        /// `file`, `fileModificationTime`, `uploadTime`, or `mixed:<default>`.
        public var source: String
        public var filled: Int
        /// The UNIX seconds given to rows without a timestamp.
        public var defaultValue: Int64?
    }

    /// The first publication of the same content, for a duplicate.
    public struct FirstPublication: Sendable, Codable, Equatable {
        public var file: String
        public var archivedAs: String?
        public var receipt: String?
        public var publishedAt: String?
    }

    public enum Status: String, Sendable, Codable {
        case published
        /// Nothing sent: the same content was published before (see `duplicateOf`).
        case duplicate
    }

    public var status: Status
    /// `predictions`, `groundTruths` or `reference`.
    public var kind: String
    /// `stream` or `bulk`.
    public var mode: String?
    /// Where a bulk file or a reference dataset was uploaded.
    public var storageUri: String?
    /// Ground truths for inference ids this service never published (they may come from
    /// elsewhere, so they are sent all the same).
    public var unknownInferenceIds: Int?
    public var file: String
    public var pipeline: String
    public var project: String
    public var inferencePipelineId: String
    public var format: String
    public var sha256: String
    public var bytes: Int64
    public var rows: Int
    public var rowsPublished: Int
    public var rowsRejected: Int
    /// Rows not sent because the same content was already published (`status: duplicate`,
    /// see `duplicateOf`): all of the file's rows then; 0 otherwise.
    public var rowsDuplicate: Int
    /// Where the rejected rows are, each with its line and reason.
    public var rejectedRowsFile: String?
    /// Acknowledged requests.
    public var batches: Int
    public var inferenceIds: InferenceIds
    public var timestamps: Timestamps
    public var duplicateOf: FirstPublication?
    /// ISO 8601 times: the first attempt to publish, and the end.
    public var startedAt: String
    public var finishedAt: String
    public var durationSeconds: Double
    /// Where the file now is.
    public var archivedAs: String
    /// What else a reader of the receipt must know: that the file was written to while it was
    /// being published, which of its rows were sent then, and why the others were not.
    public var note: String? = nil
}

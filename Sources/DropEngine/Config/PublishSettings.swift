/// How rows of a pipeline are cut into requests, what fills a missing timestamp, and how
/// much of a file may be set aside. Set under `defaults:` and overridable per pipeline.
public struct PublishSettings: Sendable, Equatable {
    /// Where a row without a timestamp gets one.
    public enum TimestampDefault: String, Sendable, Codable, CaseIterable {
        /// The dropped file's modification time: closest to when the predictions were made.
        case fileModificationTime
        /// The moment the file is first published.
        case uploadTime
    }

    /// What to do with a file whose content was already published to the pipeline.
    public enum DuplicatePolicy: String, Sendable, Codable, CaseIterable {
        /// Archive it as a duplicate, its receipt pointing to the first; send nothing.
        case skip
        /// Publish it again (its generated ids are the same as the first time).
        case publish
    }

    /// At most this many rows in one request.
    public var batchRows: Int = 1000
    /// At most this many bytes of JSON body in one request.
    public var maxBatchBytes: Int = 4 * 1024 * 1024
    /// Requests on the wire at once per pipeline; reading waits while they are all out.
    public var maxBatchesInFlight: Int = 2
    public var timestampDefault: TimestampDefault = .fileModificationTime
    /// Above this fraction of invalid rows the whole file is rejected untouched; below it,
    /// the invalid rows are set aside and the rest is published.
    public var maxInvalidRowFraction: Double = 0.1
    public var duplicates: DuplicatePolicy = .skip

    public init() {}
}

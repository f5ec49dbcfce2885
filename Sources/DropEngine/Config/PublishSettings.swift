/// How rows of a pipeline are cut into requests and what fills a missing timestamp.
/// Set under `defaults:` and overridable per pipeline.
public struct PublishSettings: Sendable, Equatable {
    /// Where a row without a timestamp gets one.
    public enum TimestampDefault: String, Sendable, Codable, CaseIterable {
        /// The dropped file's modification time: closest to when the predictions were made.
        case fileModificationTime
        /// The moment the file is published.
        case uploadTime
    }

    /// At most this many rows in one request.
    public var batchRows: Int = 1000
    /// At most this many bytes of JSON body in one request.
    public var maxBatchBytes: Int = 4 * 1024 * 1024
    public var timestampDefault: TimestampDefault = .fileModificationTime

    public init() {}
}

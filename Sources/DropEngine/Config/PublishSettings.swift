import Foundation
import OpenlayerAPI

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

    /// How rows reach Openlayer.
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// Requests of JSON rows (`data-stream` for predictions, one `PUT rows` per ground truth).
        case stream
        /// One Arrow file through presigned storage, then `POST /data`.
        case bulk
        /// `bulk` for files above the row threshold, `stream` below.
        case auto
    }

    /// At most this many rows in one request.
    public var batchRows: Int = 1000
    /// At most this many bytes of JSON body in one request.
    public var maxBatchBytes: Int = 4 * 1024 * 1024
    /// Requests on the wire at once per pipeline; reading waits while they are all out.
    public var maxBatchesInFlight: Int = 2
    public var timestampDefault: TimestampDefault = .fileModificationTime
    /// When set, a row whose timestamp is more than this many days from now is set aside; by
    /// default any date is published (backfills are normal), and only numbers too large to be
    /// seconds are refused.
    public var timestampWindowDays: Int?
    /// Above this fraction of invalid rows the whole file is rejected untouched; below it,
    /// the invalid rows are set aside and the rest is published.
    public var maxInvalidRowFraction: Double = 0.1
    public var duplicates: DuplicatePolicy = .skip
    /// Predictions: how they are published, and from how many rows `auto` goes bulk.
    public var mode: Mode = .auto
    public var bulkRowThreshold = 100_000
    /// Ground truths: how they are published, and from how many rows `auto` goes bulk.
    public var groundTruthMode: Mode = .auto
    public var groundTruthBulkRowThreshold = 1000
    /// Ground-truth row updates on the wire at once.
    public var groundTruthConcurrency = 8
    /// Where presigned URLs point; decides the upload's form. The SDK's default is `s3`.
    public var storage: StorageKind = .s3
    /// Threads that read and encode one big file at once, each its own segment (`FileSegment`).
    /// By default one per core, up to 4: past that the network or the server is the limit.
    public var workers = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
    /// No segment is smaller than this: below it, a second thread costs more than it saves.
    public var segmentMinimumBytes: Int64 = FileSegment.defaultMinimumBytes
    /// What a file may hold before it is refused whole (`maxColumns`, `maxLineBytes`, `maxExpansionRatio`).
    public var limits = FileLimits()

    /// Whether a file of `rows` rows of `kind` goes in bulk.
    public func isBulk(_ kind: FileKind, rows: Int) -> Bool {
        switch kind {
        case .predictions: mode == .bulk || (mode == .auto && rows > bulkRowThreshold)
        case .groundTruths: groundTruthMode == .bulk || (groundTruthMode == .auto && rows > groundTruthBulkRowThreshold)
        case .reference: true
        }
    }

    public init() {}
}

import Foundation
import Metrics
import OpenlayerAPI

/// Every metric the service exposes, by the name a scraper sees. A dashboard and the scrape
/// annotations are written against these names, so this is the one place they are spelled.
///
/// The engine records through swift-metrics alone; which backend receives them (Prometheus,
/// in the daemon) is chosen once, at the start. Nothing here is called per row: per request,
/// per batch or per file only.
public enum DropMetricName {
    /// Files that ended, labeled `pipeline`, `kind` (predictions, groundTruths, reference) and
    /// `outcome` (published, rejected, duplicate).
    public static let files = "openlayer_drop_files_total"
    /// Rows of ended files, from their receipts (`rowsPublished`, `rowsRejected`, `rowsDuplicate`).
    public static let rowsPublished = "openlayer_drop_rows_published_total"
    public static let rowsRejected = "openlayer_drop_rows_rejected_total"
    public static let rowsDuplicate = "openlayer_drop_rows_duplicate_total"
    /// Data requests answered 2xx (a `data-stream` batch, a ground truth's row update), and
    /// their body bytes. A bulk upload is not among them.
    public static let batchesSent = "openlayer_drop_batches_sent_total"
    public static let bytesSent = "openlayer_drop_bytes_sent_total"
    /// Calls `RetryingCall` tries again, labeled by the HTTP status, or `transport`.
    public static let retries = "openlayer_drop_retries_total"
    /// How long each such data request took, answered or not (a histogram).
    public static let requestDuration = "openlayer_drop_request_duration_seconds"
    /// Inbox files reported and not yet taken by their pipeline's worker.
    public static let filesQueued = "openlayer_drop_files_queued"
    public static let requestsInFlight = "openlayer_drop_requests_in_flight"
    public static let inotifyOverflows = "openlayer_drop_inotify_overflows_total"
    /// UNIX seconds of the last file archived.
    public static let lastSuccess = "openlayer_drop_last_success_timestamp_seconds"
    /// 1 while the API refuses the key and the pipeline waits, else 0.
    public static let pipelinePaused = "openlayer_drop_pipeline_paused"
    /// The journal's size on disk, its write-ahead log included.
    public static let journalBytes = "openlayer_drop_journal_bytes"
}

/// One pipeline's metric handles, made once and shared by everything working for it.
public struct PipelineMetrics: Sendable {
    public let pipeline: String
    /// The backend: the process's (`MetricsSystem`), or a test's own.
    let factory: any MetricsFactory
    let batchesSent: Counter
    let bytesSent: Counter
    let requestDuration: Metrics.Timer
    let requestsInFlight: Meter
    let filesQueued: Meter
    let lastSuccess: Gauge
    let paused: Gauge

    public init(pipeline: String, factory: any MetricsFactory = MetricsSystem.factory) {
        self.pipeline = pipeline
        self.factory = factory
        let dimensions = [("pipeline", pipeline)]
        batchesSent = Counter(label: DropMetricName.batchesSent, dimensions: dimensions, factory: factory)
        bytesSent = Counter(label: DropMetricName.bytesSent, dimensions: dimensions, factory: factory)
        requestDuration = Metrics.Timer(label: DropMetricName.requestDuration, dimensions: dimensions, factory: factory)
        requestsInFlight = Meter(label: DropMetricName.requestsInFlight, dimensions: dimensions, factory: factory)
        filesQueued = Meter(label: DropMetricName.filesQueued, dimensions: dimensions, factory: factory)
        lastSuccess = Gauge(label: DropMetricName.lastSuccess, dimensions: dimensions, factory: factory)
        paused = Gauge(label: DropMetricName.pipelinePaused, dimensions: dimensions, factory: factory)
        // Shown from the start, so that a dashboard reads 0 rather than nothing.
        requestsInFlight.set(0)
        filesQueued.set(0)
        paused.record(0)
    }

    /// Times one data request, counting it while it is in flight; a 2xx counts the batch and
    /// the body bytes `operation` returns.
    func dataRequest(_ operation: () async throws(OpenlayerError) -> Int) async throws(OpenlayerError) {
        requestsInFlight.increment()
        let started = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - started
            requestDuration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            requestsInFlight.decrement()
        }
        let bytes = try await operation()
        batchesSent.increment()
        bytesSent.increment(by: bytes)
    }

    /// A call `RetryingCall` is about to make again, after `failure`.
    func retrying(after failure: OpenlayerError) {
        let status = failure.statusCode.map(String.init) ?? "transport"
        Counter(label: DropMetricName.retries, dimensions: [("pipeline", pipeline), ("status", status)], factory: factory).increment()
    }

    /// Inbox files waiting for this pipeline's worker.
    public func queued(_ count: Int) {
        filesQueued.set(Double(count))
    }

    func paused(_ isPaused: Bool) {
        paused.record(isPaused ? 1 : 0)
    }

    /// The pipeline left the config: nothing waits for it and it is not paused. Its counters
    /// stay, as Prometheus expects of a counter.
    public func removed() {
        paused(false)
        queued(0)
    }

    /// A file that ended: its outcome, and the rows its receipt counts (none for a file
    /// rejected whole, which has a report instead of a receipt).
    func fileEnded(kind: FileKind, outcome: FileOutcome, receipt: Receipt?, journal: Journal) {
        let labels = [("pipeline", pipeline), ("kind", kind.rawValue)]
        Counter(label: DropMetricName.files, dimensions: labels + [("outcome", outcome.rawValue)], factory: factory).increment()
        if let receipt {
            Counter(label: DropMetricName.rowsPublished, dimensions: labels, factory: factory).increment(by: receipt.rowsPublished)
            Counter(label: DropMetricName.rowsRejected, dimensions: labels, factory: factory).increment(by: receipt.rowsRejected)
            Counter(label: DropMetricName.rowsDuplicate, dimensions: labels, factory: factory).increment(by: receipt.rowsDuplicate)
        }
        if outcome == .published { lastSuccess.record(Date().timeIntervalSince1970) }
        Gauge(label: DropMetricName.journalBytes, factory: factory).record(journal.bytesOnDisk)
    }

    /// How a file ended, as the `outcome` label spells it.
    public enum FileOutcome: String, Sendable {
        case published, rejected, duplicate
    }
}

/// The metrics of the service as a whole, not of one pipeline.
public enum ServiceMetrics {
    /// The kernel dropped inotify events; the inbox is scanned again.
    public static func inotifyOverflowed() {
        Counter(label: DropMetricName.inotifyOverflows).increment()
    }

    /// Makes the service-wide metrics show from the start, at 0 or at their current value.
    public static func announce(journal: Journal) {
        Counter(label: DropMetricName.inotifyOverflows).increment(by: 0)
        Gauge(label: DropMetricName.journalBytes).record(journal.bytesOnDisk)
    }
}

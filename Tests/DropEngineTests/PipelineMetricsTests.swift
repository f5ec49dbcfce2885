@testable import DropEngine
import Foundation
import Logging
import OpenlayerAPI
import Prometheus
import Testing

/// What the engine records, read back from a Prometheus registry of the test's own (the
/// process's metrics backend is bootstrapped once, by the daemon, and never in tests).
@Suite("Pipeline metrics")
struct PipelineMetricsTests {
    static func metrics() -> (PipelineMetrics, PrometheusCollectorRegistry) {
        let registry = PrometheusCollectorRegistry()
        return (PipelineMetrics(pipeline: "fraud", factory: PrometheusMetricsFactory(registry: registry)), registry)
    }

    /// The exposed line of `series` (a name and its labels as exposed), without its value.
    static func value(_ registry: PrometheusCollectorRegistry, _ series: String) -> String? {
        registry.emitToString().split(separator: "\n").first { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
    }

    @Test("A data request answered 2xx counts one batch and its bytes; a failed one only its duration")
    func dataRequests() async throws {
        let (metrics, registry) = Self.metrics()
        try await metrics.dataRequest { () throws(OpenlayerError) in
            #expect(Self.value(registry, #"openlayer_drop_requests_in_flight{pipeline="fraud"}"#) == "1.0")
            return 1234
        }
        await #expect(throws: OpenlayerError.self) {
            try await metrics.dataRequest { () throws(OpenlayerError) -> Int in
                throw OpenlayerError(kind: .status(503), call: "POST /data-stream", message: "busy", retryHeaders: [:])
            }
        }
        #expect(Self.value(registry, #"openlayer_drop_batches_sent_total{pipeline="fraud"}"#) == "1")
        #expect(Self.value(registry, #"openlayer_drop_bytes_sent_total{pipeline="fraud"}"#) == "1234")
        #expect(Self.value(registry, #"openlayer_drop_request_duration_seconds_count{pipeline="fraud"}"#) == "2")
        #expect(Self.value(registry, #"openlayer_drop_requests_in_flight{pipeline="fraud"}"#) == "0.0")
    }

    @Test("Retries are counted by HTTP status, or transport")
    func retries() {
        let (metrics, registry) = Self.metrics()
        metrics.retrying(after: OpenlayerError(kind: .status(429), call: "POST", message: "slow down", retryHeaders: [:]))
        metrics.retrying(after: OpenlayerError(kind: .status(429), call: "POST", message: "slow down", retryHeaders: [:]))
        metrics.retrying(after: OpenlayerError(kind: .transport, call: "POST", message: "reset"))
        #expect(Self.value(registry, #"openlayer_drop_retries_total{pipeline="fraud",status="429"}"#) == "2")
        #expect(Self.value(registry, #"openlayer_drop_retries_total{pipeline="fraud",status="transport"}"#) == "1")
    }

    @Test("A file that ends counts by outcome, with its receipt's rows; the last success and the journal's size follow")
    func fileEnded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try Journal(path: directory.path + "/journal.sqlite")
        let (metrics, registry) = Self.metrics()
        var receipt = ArchiveTests.receipt("a.csv")
        (receipt.rows, receipt.rowsPublished, receipt.rowsRejected) = (7, 5, 2)
        metrics.fileEnded(kind: .predictions, outcome: .published, receipt: receipt, journal: journal)
        metrics.fileEnded(kind: .predictions, outcome: .rejected, receipt: nil, journal: journal)
        let labels = #"pipeline="fraud",kind="predictions""#
        #expect(Self.value(registry, "openlayer_drop_files_total{\(labels),outcome=\"published\"}") == "1")
        #expect(Self.value(registry, "openlayer_drop_files_total{\(labels),outcome=\"rejected\"}") == "1")
        #expect(Self.value(registry, "openlayer_drop_rows_published_total{\(labels)}") == "5")
        #expect(Self.value(registry, "openlayer_drop_rows_rejected_total{\(labels)}") == "2")
        #expect(Self.value(registry, "openlayer_drop_rows_duplicate_total{\(labels)}") == "0")
        let lastSuccess = try #require(Self.value(registry, #"openlayer_drop_last_success_timestamp_seconds{pipeline="fraud"}"#).flatMap(Double.init))
        #expect(abs(lastSuccess - Date().timeIntervalSince1970) < 60)
        #expect(journal.bytesOnDisk > 0)
        #expect(Self.value(registry, "openlayer_drop_journal_bytes") == "\(Double(journal.bytesOnDisk))")
    }

    @Test("The paused gauge is 1 while the key is refused, 0 once it is taken again")
    func paused() async {
        let (metrics, registry) = Self.metrics()
        let health = PipelineHealth(logger: Logger(label: "test"), metrics: metrics)
        let series = #"openlayer_drop_pipeline_paused{pipeline="fraud"}"#
        #expect(Self.value(registry, series) == "0.0")
        await health.failed(.paused(reason: "401"), retryIn: .seconds(1))
        #expect(Self.value(registry, series) == "1.0")
        await health.failed(.retrying(reason: "503"), retryIn: .seconds(1))
        #expect(Self.value(registry, series) == "0.0")
        await health.failed(.paused(reason: "401"), retryIn: .seconds(1))
        await health.succeeded()
        #expect(Self.value(registry, series) == "0.0")
    }
}

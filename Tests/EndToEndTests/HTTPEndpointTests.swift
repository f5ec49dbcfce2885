import DropJSON
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `openlayer-drop watch` serving `/metrics`, `/healthz` and `/readyz`, read the way Prometheus
/// and a Kubernetes probe read them, against what the sandbox received and the receipts say.
@Suite("The metrics and health endpoint of the real binary", .serialized, .timeLimit(.minutes(3)))
struct HTTPEndpointTests {
    static let fraud = [("pipeline", "fraud"), ("kind", "predictions")]

    @Test("/metrics counts files, rows and requests as the receipts and the sandbox do; /readyz follows a refused key")
    func metricsAndProbes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(
            sandbox: sandbox, pipelineSettings: ["batchRows: 2", "maxInvalidRowFraction: 0.5"],
            serviceSettings: DropWorkspace.quickService + ["http: {listen: '127.0.0.1:0'}"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        let endpoint = try await Self.endpoint(in: workspace)

        let health = try await Self.get(endpoint + "/healthz")
        #expect(health.status == 200)
        #expect(health.body == #"{"status":"alive"}"#)
        try await eventually("ready\n\(workspace.log)") { try await Self.get(endpoint + "/readyz").status == 200 }
        #expect(try await Self.get(endpoint + "/readyz").body == #"{"ready":true}"#)

        try workspace.dropByRename("valid.csv", PublishingTests.predictionsCSV)
        try workspace.dropByRename("bad-row.csv", PublishingTests.predictionsCSV.replacingOccurrences(of: "880.0", with: "eight hundred"))
        try workspace.dropByRename("no-merchant.csv", "amount,hour,prediction,scores\n1.0,3,0,\"[0.9, 0.1]\"\n")
        try await eventually("two receipts and a rejection\n\(workspace.log)") {
            workspace.receipts().count == 2 && workspace.files(in: workspace.rejected).contains("no-merchant.csv.rejection.txt")
        }
        var metrics = try await eventuallyFound("three files counted") { () async throws -> PrometheusText? in
            let metrics = try await Self.metrics(endpoint)
            return metrics.sum("openlayer_drop_files_total") == 3 ? metrics : nil
        }

        let receipts = workspace.receipts().values
        let rowsPublished = receipts.reduce(0) { if case .integer(let rows)? = $1["rowsPublished"] { $0 + Double(rows) } else { $0 } }
        let rowsRejected = receipts.reduce(0) { if case .integer(let rows)? = $1["rowsRejected"] { $0 + Double(rows) } else { $0 } }
        guard case .string(let pipelineId)? = workspace.receipts()["valid.csv"]?["inferencePipelineId"] else {
            Issue.record("no receipt for valid.csv"); return
        }
        let received = try await sandbox.rows(pipelineId: pipelineId)
        let requests = try await sandbox.dataRequests(pipelineId: pipelineId)
        #expect(rowsPublished == 9 && rowsRejected == 1)
        #expect(metrics.value("openlayer_drop_files_total", Self.fraud + [("outcome", "published")]) == 2)
        #expect(metrics.value("openlayer_drop_files_total", Self.fraud + [("outcome", "rejected")]) == 1)
        #expect(metrics.value("openlayer_drop_rows_published_total", Self.fraud) == rowsPublished)
        #expect(metrics.value("openlayer_drop_rows_published_total", Self.fraud) == Double(received.count))
        #expect(metrics.value("openlayer_drop_rows_rejected_total", Self.fraud) == rowsRejected)
        #expect(metrics.value("openlayer_drop_rows_duplicate_total", Self.fraud) == 0)
        #expect(metrics.value("openlayer_drop_batches_sent_total", [("pipeline", "fraud")]) == Double(requests.count))
        #expect(metrics.value("openlayer_drop_request_duration_seconds_count", [("pipeline", "fraud")]) == Double(requests.count))
        #expect((metrics.value("openlayer_drop_bytes_sent_total", [("pipeline", "fraud")]) ?? 0) > Double(received.count * 50))
        #expect(metrics.value("openlayer_drop_requests_in_flight", [("pipeline", "fraud")]) == 0)
        #expect(metrics.value("openlayer_drop_files_queued", [("pipeline", "fraud")]) == 0)
        #expect(metrics.value("openlayer_drop_pipeline_paused", [("pipeline", "fraud")]) == 0)
        #expect(metrics.value("openlayer_drop_inotify_overflows_total", []) == 0)
        #expect((metrics.value("openlayer_drop_journal_bytes", []) ?? 0) > 0)
        let lastSuccess = try #require(metrics.value("openlayer_drop_last_success_timestamp_seconds", [("pipeline", "fraud")]))
        #expect(abs(lastSuccess - Date().timeIntervalSince1970) < 120)
        #expect(metrics.types["openlayer_drop_request_duration_seconds"] == "histogram")
        #expect(metrics.types["openlayer_drop_files_total"] == "counter")
        #expect(metrics.types["openlayer_drop_pipeline_paused"] == "gauge")

        // Ground truths go one row update each: each is a data request of its own.
        try workspace.dropByRename("ground-truths/labels.csv", "inference_id,label\np1,0\np2,1\n")
        let groundTruths = [("pipeline", "fraud"), ("kind", "groundTruths")]
        metrics = try await eventuallyFound("the ground truths counted\n\(workspace.log)") { () async throws -> PrometheusText? in
            let metrics = try await Self.metrics(endpoint)
            return metrics.value("openlayer_drop_files_total", groundTruths + [("outcome", "published")]) == 1 ? metrics : nil
        }
        #expect(workspace.receipts()["labels.csv"]?["rowsPublished"] == .integer(2))
        #expect(metrics.value("openlayer_drop_rows_published_total", groundTruths) == 2)
        let allRequests = try await sandbox.dataRequests(pipelineId: pipelineId)
        #expect(allRequests.count == requests.count + 2)
        #expect(metrics.value("openlayer_drop_batches_sent_total", [("pipeline", "fraud")]) == Double(allRequests.count))

        // The API refuses the key: the pipeline pauses, and the service says it is not ready.
        try await sandbox.setFaults(#"{"unauthorized": true}"#)
        try workspace.dropByRename("while-refused.csv", PublishingTests.predictionsCSV.replacingOccurrences(of: "12.5", with: "13.5"))
        let refused = try await eventuallyFound("/readyz to say 503\n\(workspace.log)") { () async throws -> (status: Int, body: String)? in
            let answer = try await Self.get(endpoint + "/readyz")
            return answer.status == 503 ? answer : nil
        }
        guard case .object(let readyz) = try JSONParser.parse(Array(refused.body.utf8)), case .array(let reasons)? = readyz["reasons"] else {
            Issue.record("not a readiness answer: \(refused.body)"); return
        }
        #expect(readyz["ready"] == .bool(false))
        #expect(reasons.contains { if case .string(let reason) = $0 { reason.contains("pipeline fraud is paused") } else { false } }, "\(reasons)")
        #expect(try await Self.get(endpoint + "/healthz").status == 200)
        metrics = try await Self.metrics(endpoint)
        #expect(metrics.value("openlayer_drop_pipeline_paused", [("pipeline", "fraud")]) == 1)
        #expect((metrics.value("openlayer_drop_retries_total", [("pipeline", "fraud"), ("status", "401")]) ?? 0) >= 1)
        #expect(!metrics.text.contains(sandbox.apiKey))

        // The key is taken again: ready, and the file waiting is published.
        try await sandbox.setFaults("{}")
        try await eventually("ready again\n\(workspace.log)") { try await Self.get(endpoint + "/readyz").status == 200 }
        try await eventually("the receipt of the file sent while refused\n\(workspace.log)") { workspace.receipts()["while-refused.csv"] != nil }
        try await eventually("the third file counted") {
            try await Self.metrics(endpoint).value("openlayer_drop_files_total", Self.fraud + [("outcome", "published")]) == 3
        }
        #expect(try await Self.metrics(endpoint).value("openlayer_drop_pipeline_paused", [("pipeline", "fraud")]) == 0)
    }

    @Test("A taken port stops the start with an error naming service.http.listen")
    func portTaken() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        // The sandbox holds its port: the watcher is told to listen there too.
        let workspace = try DropWorkspace(
            sandbox: sandbox, serviceSettings: DropWorkspace.quickService + ["http: {listen: '127.0.0.1:\(sandbox.port)'}"])
        defer { workspace.remove() }
        try await workspace.startWatcher(waitUntilWatching: false)
        let status = try await eventuallyFound("the watcher to exit\n\(workspace.log)") { () -> Int32? in
            workspace.watcher?.isRunning == false ? workspace.stopWatcher() : nil
        }
        #expect(status != 0)
        #expect(workspace.log.contains("cannot serve metrics and health checks on 127.0.0.1:\(sandbox.port) (service.http.listen)"), "\(workspace.log)")
    }

    @Test("service: {http: null} serves nothing")
    func turnedOff() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, serviceSettings: DropWorkspace.quickService + ["http: null"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        #expect(!workspace.log.contains("serving /metrics"))
    }

    /// `http://127.0.0.1:PORT` from the watcher's log line saying where it serves.
    static func endpoint(in workspace: DropWorkspace) async throws -> String {
        try await eventuallyFound("the endpoint's address\n\(workspace.log)") { () -> String? in
            guard let line = workspace.log.split(separator: "\n").first(where: { $0.contains("serving /metrics") }),
                let start = line.range(of: "http://127.0.0.1:")
            else { return nil }
            let port = line[start.upperBound...].prefix { $0.isNumber }
            return port.isEmpty ? nil : "http://127.0.0.1:" + port
        }
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func metrics(_ endpoint: String) async throws -> PrometheusText {
        let (data, response) = try await URLSession.shared.data(from: URL(string: endpoint + "/metrics")!)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "Content-Type") == "text/plain; version=0.0.4")
        return PrometheusText(String(decoding: data, as: UTF8.self))
    }
}

/// The Prometheus text format, read into samples: `name{label="value",…} number`.
struct PrometheusText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let text: String
    var samples: [Sample] = []
    /// `# TYPE name type` lines.
    var types: [String: String] = [:]

    init(_ text: String) {
        self.text = text
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            var labels: [String: String] = [:]
            let name: Substring
            if let brace = series.firstIndex(of: "{") {
                name = series[..<brace]
                let body = series[series.index(after: brace)..<(series.lastIndex(of: "}") ?? series.endIndex)]
                // Label values here never hold quotes or commas.
                for pair in body.split(separator: ",") {
                    let halves = pair.split(separator: "=", maxSplits: 1)
                    if halves.count == 2 { labels[String(halves[0])] = String(halves[1].dropFirst().dropLast()) }
                }
            } else {
                name = series
            }
            samples.append(Sample(name: String(name), labels: labels, value: value))
        }
    }

    /// The sample with exactly these labels.
    func value(_ name: String, _ labels: [(String, String)]) -> Double? {
        let wanted = Dictionary(uniqueKeysWithValues: labels)
        return samples.first { $0.name == name && $0.labels == wanted }?.value
    }

    /// Every sample of `name` added up.
    func sum(_ name: String) -> Double {
        samples.filter { $0.name == name }.reduce(0) { $0 + $1.value }
    }
}

import Crypto
import DropFormats
import Foundation
import OpenlayerAPI

/// Publishes a whole file as one Arrow IPC stream through presigned storage — Openlayer's
/// batch path, as its SDK's `upload_batch_inferences` does it: predictions with
/// `performDataMerge: false`, ground truths with `true`.
///
/// The Arrow file is written to the processing folder, streaming (one record batch of at most
/// 16384 rows in memory). The file's rows are one journal range, acknowledged when
/// `POST /data` answers 2xx; a crash before that journal entry sends the file again, with
/// the same inference ids.
struct BulkPublisher {
    let plan: ColumnPlan
    let settings: PublishSettings
    let client: OpenlayerClient
    let pipelineId: String
    let delivery: BatchDelivery

    struct Result {
        var outcome: BatchDelivery.Outcome
        var storageUri: String?
        var rowsSent: Int
    }

    /// Writes `survey`'s valid rows to an Arrow file beside `claimedPath`, setting invalid ones
    /// aside in `rejects`, and hands the fingerprints of their given inference ids to `noteIds` in
    /// packed chunks (`InferenceIdFingerprint`). CSV rows take `CSVRowEncoder`'s fast path when
    /// they can, as in the stream path; the others go through `RowTyper`.
    func writeArrow(
        _ survey: FileSurvey, defaultTimestamp: Int64, rejects: RejectedRowsWriter, noteIds: ([UInt8]) throws -> Void
    ) throws -> (path: String, rows: Int) {
        let schema = ArrowSchemaPlan(plan: plan, survey: survey)
        let arrowPath = URL(fileURLWithPath: survey.path).deletingLastPathComponent().path
            + "/." + URL(fileURLWithPath: survey.path).lastPathComponent + ".arrow"
        let writer = try ArrowStreamWriter(path: arrowPath, schema: schema.fields)
        let typer = RowTyper(plan: plan, survey: survey)
        var idTracker = DuplicateIdTracker(plan: plan, repeated: survey.repeatedIds)
        let filler = DefaultFiller(plan: plan, fileDigest: survey.sha256Bytes, defaultTimestamp: defaultTimestamp)
        var hasher = SHA256()
        let reader = try SourceReader(path: survey.path, format: survey.format) { hasher.update(bufferPointer: $0) }
        var issues: [RowIssue] = []
        var fingerprints: [UInt8] = []
        var ordinal = 0
        var rows = 0

        /// A row the general way: typed by RowTyper, filled, written as JSON values.
        func takeTyped(_ source: SourceRecord) throws {
            issues.removeAll(keepingCapacity: true)
            guard var row = typer.type(source, ids: &idTracker, issues: &issues) else {
                try rejects.append(source, reason: issues.map(RejectionReport.message).joined(separator: "; "))
                return
            }
            let givenId = row[plan.inferenceIdColumn]
            if plan.fillsDefaults { filler.fill(&row, ordinal: ordinal) }
            try writer.append(schema.values(of: row))
            rows += 1
            if case .string(let id)? = givenId {
                InferenceIdFingerprint.append(InferenceIdFingerprint.of(id), to: &fingerprints)
            }
        }
        func noteFull() throws {
            guard fingerprints.count >= 8 * 65_536 else { return }
            try noteIds(fingerprints)
            fingerprints.removeAll(keepingCapacity: true)
        }

        if survey.format == .csv, CSVRowEncoder.serves(plan) {
            let fill = plan.fillsDefaults ? CSVRowEncoder.Fill(ids: InferenceIdGenerator(fileDigest: survey.sha256Bytes), defaultTimestamp: defaultTimestamp) : nil
            let encoder = CSVRowEncoder(plan: plan, columns: survey.columns, stats: survey.stats, timestamps: survey.timestamps, fill: fill)
            var verdicts = VerdictOnly()
            var doubles: [Double] = []
            var types = [ColumnStats.Seen](repeating: [], count: survey.columns.count)
            while let line = try reader.nextCSVFields() {
                ordinal += 1
                try reader.withCSVFields { fields in
                    guard let row = encoder.encode(fields, ordinal: ordinal, into: &verdicts, types: &types) else {
                        return try takeTyped(SourceRecord(line: line, fields))
                    }
                    guard let fingerprint = encoder.admitId(of: row, fields: fields, line: line, ids: &idTracker) else {
                        return try takeTyped(SourceRecord(line: line, fields))
                    }
                    try verdicts.withGeneratedId(row.generatedId ?? 0..<0) { generated in
                        try writer.appendRow(textBytes: fields.bytes.count + 64) { arrow in
                            encoder.appendArrow(fields, generatedId: generated, to: &arrow, doubles: &doubles)
                        }
                    }
                    rows += 1
                    if row.givenId != nil { InferenceIdFingerprint.append(fingerprint, to: &fingerprints) }
                }
                try noteFull()
            }
        } else {
            while let source = try reader.next() {
                ordinal += 1
                try takeTyped(source)
                try noteFull()
            }
        }
        if !fingerprints.isEmpty { try noteIds(fingerprints) }
        _ = try writer.finish()
        guard ordinal == survey.rowCount, Array(hasher.finalize()) == survey.sha256Bytes,
            (try? FileStamp(path: survey.path))?.sameContent(as: survey.stamp) == true
        else {
            try? FileManager.default.removeItem(atPath: arrowPath)
            throw FilePublisher.Interruption.fileChanged
        }
        return (arrowPath, rows)
    }

    /// Uploads the Arrow file and tells Openlayer about it, retrying as any request.
    func send(arrowPath: String, merge: Bool, presentColumns: Set<String>) async -> (BatchDelivery.Outcome, String?) {
        let config = plan.wireConfig(presentColumns: presentColumns)
        return await StorageUpload.deliver(
            file: arrowPath, objectName: "batch_data_\(Date().timeIntervalSince1970)_\(pipelineId).arrow",
            client: client, storage: settings.storage, delivery: delivery
        ) { [client, pipelineId] storageUri throws(OpenlayerError) in
            try await client.publishStoredData(pipelineId: pipelineId, storageUri: storageUri, performDataMerge: merge, config: config)
        }
    }
}

/// The storage path shared by bulk files and reference datasets: a presigned URL, the upload,
/// then the call that tells Openlayer where the object is — retried as a whole, so that an
/// attempt after a failure starts with a fresh URL.
enum StorageUpload {
    /// - Parameter announce: the call naming the uploaded object (`POST /data`, or the
    ///   pipeline's `referenceDatasetUri`). Returns the outcome and the storage URI used.
    static func deliver(
        file: String, objectName: String, client: OpenlayerClient, storage: StorageKind,
        delivery: BatchDelivery, announce: @escaping @Sendable (String) async throws(OpenlayerError) -> Void
    ) async -> (BatchDelivery.Outcome, String?) {
        let source: UploadSource
        do { source = try .file(file) } catch {
            return (.refused("cannot read \(file): \(error)"), nil)
        }
        let stored = StoredURI()
        let outcome = await delivery.attempt { () throws(OpenlayerError) in
            let presigned = try await client.presignedURL(objectName: objectName)
            try await upload(client: client, source: source, to: presigned, objectName: objectName, storage: storage)
            try await announce(presigned.storageUri)
            stored.set(presigned.storageUri)
        }
        return (outcome, stored.value)
    }

    /// Uploads, treating any refusal by the storage as transient: a presigned URL expires, and
    /// the next attempt asks for a new one. (A 403 there is the URL's signature, not the API key.)
    private static func upload(client: OpenlayerClient, source: UploadSource, to presigned: PresignedURL, objectName: String, storage: StorageKind) async throws(OpenlayerError) {
        do {
            try await client.upload(source, to: presigned, objectName: objectName, storage: storage)
        } catch {
            guard let status = error.statusCode, (400..<500).contains(status) else { throw error }
            throw OpenlayerError(kind: .transport, call: error.call, message: "storage refused the upload (\(status)): \(error.message)")
        }
    }
}

/// The storage URI an attempt got, carried out of a `@Sendable` closure.
final class StoredURI: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    var value: String? { lock.withLock { stored } }
    func set(_ uri: String) { lock.withLock { stored = uri } }
}

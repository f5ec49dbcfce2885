import Crypto
import DropFormats
import Foundation
import OpenlayerAPI

/// Publishes a whole file as one Arrow IPC stream through presigned storage — Openlayer's
/// batch path, as its SDK's `upload_batch_inferences` does it: predictions with
/// `performDataMerge: false`, ground truths with `true`.
///
/// The Arrow file is written to the processing folder first (`BulkArrowFile`). The file's rows
/// are one journal range, acknowledged when `POST /data` answers 2xx; a crash before that
/// journal entry sends the file again, with the same inference ids.
struct BulkPublisher {
    let plan: ColumnPlan
    let settings: PublishSettings
    let client: OpenlayerClient
    let pipelineId: String
    let delivery: BatchDelivery
    let metrics: PipelineMetrics

    /// Uploads the Arrow stream (its parts, one after the other) and tells Openlayer about it,
    /// retrying as any request.
    func send(arrowParts: [String], merge: Bool, presentColumns: Set<String>) async -> (BatchDelivery.Outcome, String?) {
        let config = plan.wireConfig(presentColumns: presentColumns)
        return await StorageUpload.deliver(
            files: arrowParts, objectName: "batch_data_\(Date().timeIntervalSince1970)_\(pipelineId).arrow",
            client: client, storage: settings.storage, delivery: delivery, metrics: metrics
        ) { [client, pipelineId] storageUri throws(OpenlayerError) in
            try await client.publishStoredData(pipelineId: pipelineId, storageUri: storageUri, performDataMerge: merge, config: config)
        }
    }
}

/// The storage path shared by bulk files and reference datasets: a presigned URL, the upload,
/// then the call that tells Openlayer where the object is — retried as a whole, so that an
/// attempt after a failure starts with a fresh URL.
enum StorageUpload {
    /// - Parameters:
    ///   - files: uploaded one after the other, as one object.
    ///   - announce: the call naming the uploaded object (`POST /data`, or the pipeline's
    ///     `referenceDatasetUri`). Returns the outcome and the storage URI used.
    ///   - metrics: each attempt counts as one data request (URL, upload and announcement
    ///     together), its bytes those of the files.
    static func deliver(
        files: [String], objectName: String, client: OpenlayerClient, storage: StorageKind,
        delivery: BatchDelivery, metrics: PipelineMetrics, announce: @escaping @Sendable (String) async throws(OpenlayerError) -> Void
    ) async -> (BatchDelivery.Outcome, String?) {
        let source: UploadSource
        do { source = try .files(files) } catch {
            return (.refused("cannot read \(files.joined(separator: ", ")): \(error)"), nil)
        }
        let stored = StoredURI()
        let bytes = files.reduce(0) { $0 + Int((try? FileStamp(path: $1).size) ?? 0) }
        let outcome = await delivery.attempt { () throws(OpenlayerError) in
            try await metrics.dataRequest { () throws(OpenlayerError) in
                let presigned = try await client.presignedURL(objectName: objectName)
                try await upload(client: client, source: source, to: presigned, objectName: objectName, storage: storage)
                try await announce(presigned.storageUri)
                stored.set(presigned.storageUri)
                return bytes
            }
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

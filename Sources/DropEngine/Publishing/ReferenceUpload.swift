import Foundation
import OpenlayerAPI

/// Uploads a reference dataset tarball and points the inference pipeline at it, as the SDK's
/// `upload_reference_dataframe` does; retried as a whole like any request.
struct ReferenceUpload {
    let client: OpenlayerClient
    let pipelineId: String
    let storage: StorageKind
    let delivery: BatchDelivery

    func send(tarball: String) async -> (BatchDelivery.Outcome, String?) {
        let objectName = "reference_dataset_\(Date().timeIntervalSince1970)_\(pipelineId).tar.gz"
        // What the SDK declares for each kind of storage.
        let contentType = storage == .s3 || storage == .local ? "application/x-tar" : "application/x-gzip"
        let source: UploadSource
        do { source = try .file(tarball, contentType: contentType) } catch {
            return (.refused("cannot read \(tarball): \(error)"), nil)
        }
        let stored = StoredURI()
        let outcome = await delivery.attempt { [client, pipelineId, storage] () throws(OpenlayerError) in
            let presigned = try await client.presignedURL(objectName: objectName)
            try await StorageUpload.upload(client: client, source: source, to: presigned, objectName: objectName, storage: storage)
            try await client.setReferenceDataset(pipelineId: pipelineId, storageUri: presigned.storageUri)
            stored.set(presigned.storageUri)
        }
        return (outcome, stored.value)
    }
}

/// The object storage the sandbox imitates for batch uploads, as the Openlayer SDK's
/// `StorageType` names them (`openlayer/lib/data/_upload.py`).
///
/// A deployment of Openlayer uses one kind, and the SDK must be told which (it defaults to S3);
/// the sandbox is set to one kind likewise and refuses uploads made the way of another, so that
/// a client's choice is tested, not only its bytes.
public enum StorageKind: String, Sendable, Codable, CaseIterable {
    /// A presigned POST: a multipart form with the handed-out `fields` first and `file` last.
    case s3
    /// A signed URL taking the bytes in a PUT.
    case gcs
    /// A SAS URL taking the bytes in a PUT with `x-ms-blob-type: BlockBlob`.
    case azure
    /// A self-hosted deployment's own endpoint: a multipart form with just `file`.
    case local
}

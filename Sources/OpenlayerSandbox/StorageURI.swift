/// The storage URIs the sandbox hands out: `sandbox://<upload id>/<object name>`.
///
/// A scheme of its own rather than `s3://`: a client must treat the URI as opaque and send it
/// back as is, and one that rebuilt it from a bucket and key of its own would be caught here.
enum StorageURI {
    static let scheme = "sandbox://"

    static func make(uploadId: String, objectName: String) -> String {
        "\(scheme)\(uploadId)/\(objectName)"
    }

    /// Whether a URI is one of the sandbox's, stored or not: such a URI that names no uploaded
    /// object is a mistake to report, while another scheme is a URI the sandbox cannot check.
    static func isSandboxURI(_ uri: String) -> Bool {
        uri.hasPrefix(scheme)
    }
}

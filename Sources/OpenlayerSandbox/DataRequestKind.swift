import Hummingbird

/// Which route a request-log entry records, shown as its `kind`.
///
/// Stored as text so that the log reads the same in SQLite as in `GET /v1/sandbox/requests`.
enum DataRequestKind: String, Codable, Sendable {
    /// `POST /v1/inference-pipelines/{id}/data-stream`.
    case dataStream = "data-stream"
    /// `POST /v1/inference-pipelines/{id}/data`: a batch file uploaded beforehand.
    case data
    /// `PUT /v1/inference-pipelines/{id}/rows`: a ground-truth update of one inference.
    case rowsUpdate = "rows-update"
    /// `POST` or `PUT` to a presigned upload URL.
    case upload

    /// The kind of a data route's request, from its method and last path component: how
    /// `DataFaultMiddleware`, which runs for every data route, tells them apart.
    init(dataRequest request: Request) {
        let last = request.uri.path.split(separator: "/").last
        switch (request.method, last) {
        case (.put, "rows"?): self = .rowsUpdate
        case (_, "data"?): self = .data
        default: self = .dataStream
        }
    }
}

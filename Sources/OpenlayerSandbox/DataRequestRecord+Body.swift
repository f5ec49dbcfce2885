import DropJSON

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension DataRequestRecord {
    /// The log entry of a data request, from its body as parsed (`nil` when it was not JSON):
    /// the row count is the length of its `rows` array (data-stream) or 1 for a `row` object
    /// (rows-update; a batch's rows are counted once its file is read), the config its `config`
    /// member, the storage URI its `storageUri` (data).
    ///
    /// Shared by the data routes and `DataFaultMiddleware`, so that a request failed on purpose
    /// is logged exactly as the same request handled would have been.
    init(
        id: String = UUID().uuidString.lowercased(), kind: DataRequestKind, pipelineId: String, receivedAt: Int64,
        body: JSONValue?, status: Int
    ) {
        let envelope: JSONObject?
        if case .object(let object)? = body { envelope = object } else { envelope = nil }
        let rowCount: Int
        switch (kind, envelope?["rows"], envelope?["row"]) {
        case (.dataStream, .array(let rows)?, _): rowCount = rows.count
        case (.rowsUpdate, _, .object?): rowCount = 1
        default: rowCount = 0
        }
        self.init(
            sequence: nil, id: id, kind: kind, pipelineId: pipelineId, receivedAt: receivedAt, rowCount: rowCount,
            status: status,
            configJSON: envelope?["config"].map { String(decoding: JSONWriter.encode($0), as: UTF8.self) },
            storageUri: kind == .data ? envelope?["storageUri"]?.stringValue : nil,
            byteCount: nil, mergedCount: nil, unmatchedCount: nil, contentType: nil
        )
    }

    /// The log entry of an upload to a presigned URL; `storageUri` and `byteCount` are filled
    /// in as they become known.
    init(uploadReceivedAt receivedAt: Int64) {
        self.init(
            sequence: nil, id: UUID().uuidString.lowercased(), kind: .upload, pipelineId: nil,
            receivedAt: receivedAt, rowCount: 0, status: 0, configJSON: nil, storageUri: nil, byteCount: nil,
            mergedCount: nil, unmatchedCount: nil, contentType: nil
        )
    }
}

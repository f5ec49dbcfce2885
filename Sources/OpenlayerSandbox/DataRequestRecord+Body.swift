import DropFormats

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension DataRequestRecord {
    /// The log entry of a data request, from its body as parsed (`nil` when it was not JSON):
    /// the row count is the length of its `rows` array, the config its `config` member.
    ///
    /// Shared by the data routes and `DataFaultMiddleware`, so that a request failed on purpose
    /// is logged exactly as the same request handled would have been.
    init(
        id: String = UUID().uuidString.lowercased(), pipelineId: String, receivedAt: Int64, body: JSONValue?,
        status: Int
    ) {
        let envelope: JSONObject?
        if case .object(let object)? = body { envelope = object } else { envelope = nil }
        let rowCount: Int
        if case .array(let rows)? = envelope?["rows"] { rowCount = rows.count } else { rowCount = 0 }
        self.init(
            sequence: nil, id: id, pipelineId: pipelineId, receivedAt: receivedAt, rowCount: rowCount,
            status: status,
            configJSON: envelope?["config"].map { String(decoding: JSONWriter.encode($0), as: UTF8.self) }
        )
    }
}

import DropJSON
import GRDB

/// Batch files and ground truths: rows stored from a file, or merged into stored rows.
extension SandboxStore {
    /// Stores the rows of a batch file, or merges them into stored rows (`merge`), and logs the
    /// call with its counts, in one transaction. The file is read inside the transaction, so a
    /// file found broken halfway stores nothing (the caller then logs the failure); GRDB runs
    /// it on its own queue, off the tasks serving requests, and memory holds one record batch.
    func importBatch(
        _ entry: DataRequestRecord, file: ArrowBatchFile, idColumn: String?, merge: Bool
    ) async throws -> DataRequestRecord {
        try await writer.write { db in
            var entry = entry
            let pipelineId = entry.pipelineId ?? ""
            var rowCount = 0
            var merged = 0
            try file.forEachRow { row in
                rowCount += 1
                if merge {
                    let inferenceId = idColumn.flatMap { row[$0] }.flatMap(StreamedRowRecord.inferenceIdText)
                    if try Self.mergeGroundTruth(
                        db, row: row, inferenceId: inferenceId, pipelineId: pipelineId, requestId: entry.id,
                        receivedAt: entry.receivedAt
                    ) {
                        merged += 1
                    }
                } else {
                    var record = StreamedRowRecord(
                        row: row, idColumn: idColumn, pipelineId: pipelineId, requestId: entry.id,
                        receivedAt: entry.receivedAt
                    )
                    try record.insert(db)
                }
            }
            entry.rowCount = rowCount
            if merge {
                entry.mergedCount = merged
                entry.unmatchedCount = rowCount - merged
            } else if rowCount > 0 {
                try Self.markSampleReceived(db, pipelineId: pipelineId, at: entry.receivedAt)
            }
            try entry.insert(db)
            return entry
        }
    }

    /// Merges one ground-truth row (`PUT …/rows`) and logs the call, in one transaction.
    func updateRow(_ entry: DataRequestRecord, inferenceId: String, row: JSONObject) async throws {
        try await writer.write { db in
            var entry = entry
            let matched = try Self.mergeGroundTruth(
                db, row: row, inferenceId: inferenceId, pipelineId: entry.pipelineId ?? "", requestId: entry.id,
                receivedAt: entry.receivedAt
            )
            entry.mergedCount = matched ? 1 : 0
            entry.unmatchedCount = matched ? 0 : 1
            try entry.insert(db)
        }
    }

    /// The ground truths that matched no row, optionally of one pipeline, in arrival order.
    func pendingGroundTruths(pipelineId: String?) async throws -> [PendingGroundTruthRecord] {
        try await writer.read { db in
            var request = PendingGroundTruthRecord.all()
            if let pipelineId { request = request.filter(Column("pipelineId") == pipelineId) }
            return try request.order(Column("sequence")).fetchAll(db)
        }
    }

    /// Sets each of `row`'s columns in every stored row of the pipeline with this inference id
    /// (duplicates included: each copy gets its label), keeping the other columns and the key
    /// order, a new column going last. Without a match the row is kept as a pending ground truth.
    /// - Returns: whether some stored row matched.
    private static func mergeGroundTruth(
        _ db: Database, row: JSONObject, inferenceId: String?, pipelineId: String, requestId: String,
        receivedAt: Int64
    ) throws -> Bool {
        let stored =
            try inferenceId.map { id in
                try StreamedRowRecord
                    .filter(Column("pipelineId") == pipelineId && Column("inferenceId") == id)
                    .fetchAll(db)
            } ?? []
        for var record in stored {
            guard case .object(var object) = try JSONParser.parse(record.rowJSON) else { continue }
            for field in row.fields {
                object[field.key] = field.value
            }
            record.rowJSON = String(decoding: JSONWriter.encode(.object(object)), as: UTF8.self)
            try record.update(db)
        }
        if stored.isEmpty {
            var pending = PendingGroundTruthRecord(
                sequence: nil, pipelineId: pipelineId, inferenceId: inferenceId,
                rowJSON: String(decoding: JSONWriter.encode(.object(row)), as: UTF8.self),
                requestId: requestId, receivedAt: receivedAt
            )
            try pending.insert(db)
        }
        return !stored.isEmpty
    }
}

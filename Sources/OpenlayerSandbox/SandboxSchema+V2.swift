import GRDB

extension SandboxSchema {
    /// Batch uploads, ground truths and reference datasets. `dataRequest` is rebuilt because its
    /// `pipelineId` becomes nullable (uploads belong to no pipeline), which `ALTER TABLE` cannot
    /// do; its existing entries were all data-stream calls.
    static func migrateToV2(_ db: Database) throws {
        let requests = DataRequestRecord.databaseTableName
        try db.create(table: "new_\(requests)") { table in
            table.autoIncrementedPrimaryKey("sequence")
            table.column("id", .text).notNull().unique()
            table.column("kind", .text).notNull()
            table.column("pipelineId", .text)
            table.column("receivedAt", .integer).notNull()
            table.column("rowCount", .integer).notNull()
            table.column("status", .integer).notNull()
            table.column("configJSON", .text)
            table.column("storageUri", .text)
            table.column("byteCount", .integer)
            table.column("mergedCount", .integer)
            table.column("unmatchedCount", .integer)
        }
        try db.execute(
            sql: """
                INSERT INTO new_\(requests) (sequence, id, kind, pipelineId, receivedAt, rowCount, status, configJSON)
                SELECT sequence, id, ?, pipelineId, receivedAt, rowCount, status, configJSON FROM \(requests)
                """,
            arguments: [DataRequestKind.dataStream.rawValue]
        )
        try db.drop(table: requests)
        try db.rename(table: "new_\(requests)", to: requests)
        try db.create(index: "\(requests)_on_pipelineId", on: requests, columns: ["pipelineId"])

        try db.create(table: StorageObjectRecord.databaseTableName) { table in
            table.primaryKey("id", .text)
            table.column("objectName", .text).notNull()
            table.column("storageUri", .text).notNull().unique()
            table.column("storage", .text).notNull()
            table.column("fieldsJSON", .text)
            table.column("presignedAt", .integer).notNull()
            table.column("uploadedAt", .integer)
            table.column("byteCount", .integer)
            table.column("path", .text)
        }
        try db.create(table: PendingGroundTruthRecord.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("sequence")
            table.column("pipelineId", .text).notNull().indexed()
            table.column("inferenceId", .text)
            table.column("rowJSON", .text).notNull()
            table.column("requestId", .text).notNull()
            table.column("receivedAt", .integer).notNull()
        }
        try db.create(table: ReferenceDatasetRecord.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("sequence")
            table.column("pipelineId", .text).notNull().indexed()
            table.column("uri", .text).notNull()
            table.column("csvPath", .text).notNull()
            table.column("configYAML", .text).notNull()
            table.column("rowCount", .integer).notNull()
            table.column("columnsJSON", .text).notNull()
            table.column("receivedAt", .integer).notNull()
        }
    }
}

import GRDB

// The sandbox's data model: seven tables, their records and the migrations that create them.
// Kept in one file so the whole schema reads at a glance (migration `v2` is in
// `SandboxSchema+V2.swift`).
//
// Times are integer milliseconds since the Unix epoch (see `Timestamp`). Identifiers are
// lowercase UUID strings, the form Openlayer's ids take.

/// A project, as created by `POST /v1/projects`.
struct ProjectRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "project"

    var id: String
    var name: String
    var taskType: String
    var description: String?
    var dateCreated: Int64
    var dateUpdated: Int64
}

/// An inference pipeline of a project; data-stream calls publish into one.
struct PipelineRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "inferencePipeline"

    var id: String
    var projectId: String
    var name: String
    var description: String?
    /// Openlayer's evaluation status; the sandbox never evaluates, so it stays as created.
    var status: String
    var referenceDatasetUri: String?
    var dateCreated: Int64
    var dateUpdated: Int64
    /// When the last data-stream call stored rows, as the real API's `dateLastSampleReceived`.
    var dateLastSampleReceived: Int64?
}

/// One row published through the data-stream route, kept exactly as sent.
struct StreamedRowRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "streamedRow"

    /// Assigned by SQLite (AUTOINCREMENT), so it only ever grows: the arrival order, across
    /// requests and pipelines, even after rows are deleted.
    var sequence: Int64?
    var pipelineId: String
    /// The value of the config's `inferenceIdColumnName` column, rendered as text, or `nil`
    /// when the config names no such column or the row lacks it.
    var inferenceId: String?
    /// The row as compact JSON written by DropJSON's writer: types and key order preserved.
    var rowJSON: String
    /// The `DataRequestRecord.id` of the call that brought the row, so duplicates published by a
    /// retried call can be told apart from one call that repeated an id.
    var requestId: String
    var receivedAt: Int64

    mutating func didInsert(_ inserted: InsertionSuccess) {
        sequence = inserted.rowID
    }
}

/// One call to a data route or to the upload endpoint, answered successfully or not, faults
/// injected included: what tests of retries and back-off read to see how often and when a client
/// called.
struct DataRequestRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "dataRequest"

    /// Arrival order (AUTOINCREMENT).
    var sequence: Int64?
    var id: String
    /// Which route was called; see `DataRequestKind`.
    var kind: DataRequestKind
    /// The pipeline id from the path, kept even when no such pipeline exists (the 404 is logged);
    /// `nil` for uploads, which belong to no pipeline.
    var pipelineId: String?
    var receivedAt: Int64
    /// How many rows the call carried, whether or not they were stored: the length of `rows`
    /// (data-stream), the rows of the Arrow file (data; 0 when it could not be read), 1 (rows-update).
    var rowCount: Int
    /// The HTTP status the sandbox answered, or 0 when it closed the connection instead of
    /// answering (an injected `dropNext` fault).
    var status: Int
    /// The request's `config` as compact JSON, or `nil` when it had none.
    var configJSON: String?
    /// The object uploaded (upload) or read (data).
    var storageUri: String?
    /// The size of an upload's file, once received.
    var byteCount: Int64?
    /// For merges (data with `performDataMerge`, rows-update): how many of the rows sent found
    /// stored rows with their inference id, and how many found none (kept as pending ground truths).
    var mergedCount: Int?
    var unmatchedCount: Int?
    /// The content type an upload came with: the `file` part's in a multipart form, the
    /// request's in a PUT.
    var contentType: String?

    mutating func didInsert(_ inserted: InsertionSuccess) {
        sequence = inserted.rowID
    }
}

/// An object of the sandbox's storage, from the presigned URL that announced it: `uploadedAt`,
/// `byteCount` and `path` stay `nil` until the upload arrives.
struct StorageObjectRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "storageObject"

    /// The upload id, the last component of the presigned URL.
    var id: String
    /// The `objectName` asked for.
    var objectName: String
    /// `sandbox://<id>/<objectName>`, what clients send back to name the object.
    var storageUri: String
    /// The storage kind the URL was presigned for; the upload must follow its protocol.
    var storage: StorageKind
    /// For S3: the form fields handed out, as a compact JSON object, that the upload must repeat.
    var fieldsJSON: String?
    var presignedAt: Int64
    var uploadedAt: Int64?
    var byteCount: Int64?
    /// The file, relative to the storage directory.
    var path: String?
}

/// A ground truth that found no stored row with its inference id (from `PUT …/rows` or a merge
/// through `POST …/data`). Kept, never applied later, so that a test can see what it sent to no avail.
struct PendingGroundTruthRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "pendingGroundTruth"

    var sequence: Int64?
    var pipelineId: String
    /// `nil` when the row carried no inference id at all.
    var inferenceId: String?
    /// The row sent, as compact JSON with types and key order kept.
    var rowJSON: String
    /// The `DataRequestRecord.id` of the call that sent it.
    var requestId: String
    var receivedAt: Int64

    mutating func didInsert(_ inserted: InsertionSuccess) {
        sequence = inserted.rowID
    }
}

/// A reference dataset unpacked from an uploaded tarball when a pipeline was given its URI.
struct ReferenceDatasetRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "referenceDataset"

    var sequence: Int64?
    var pipelineId: String
    /// The `referenceDatasetUri` the pipeline was given.
    var uri: String
    /// The extracted `dataset.csv`, relative to the storage directory.
    var csvPath: String
    /// `dataset_config.yaml`, as uploaded.
    var configYAML: String
    /// CSV records after the header.
    var rowCount: Int
    /// The CSV header, as a compact JSON array of strings.
    var columnsJSON: String
    var receivedAt: Int64

    mutating func didInsert(_ inserted: InsertionSuccess) {
        sequence = inserted.rowID
    }
}

/// The schema's migrations. New columns or tables go in new migrations, never by editing
/// `v1`, so a sandbox database file made by an older build still opens.
enum SandboxSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: ProjectRecord.databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull().unique()
                table.column("taskType", .text).notNull()
                table.column("description", .text)
                table.column("dateCreated", .integer).notNull()
                table.column("dateUpdated", .integer).notNull()
            }
            try db.create(table: PipelineRecord.databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("projectId", .text).notNull().indexed()
                    .references(ProjectRecord.databaseTableName, onDelete: .cascade)
                table.column("name", .text).notNull()
                table.column("description", .text)
                table.column("status", .text).notNull()
                table.column("referenceDatasetUri", .text)
                table.column("dateCreated", .integer).notNull()
                table.column("dateUpdated", .integer).notNull()
                table.column("dateLastSampleReceived", .integer)
                table.uniqueKey(["projectId", "name"])
            }
            try db.create(table: StreamedRowRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("sequence")
                table.column("pipelineId", .text).notNull()
                table.column("inferenceId", .text)
                table.column("rowJSON", .text).notNull()
                table.column("requestId", .text).notNull()
                table.column("receivedAt", .integer).notNull()
            }
            try db.create(
                index: "streamedRow_pipeline_inference",
                on: StreamedRowRecord.databaseTableName,
                columns: ["pipelineId", "inferenceId"]
            )
            try db.create(table: DataRequestRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("sequence")
                table.column("id", .text).notNull().unique()
                table.column("pipelineId", .text).notNull().indexed()
                table.column("receivedAt", .integer).notNull()
                table.column("rowCount", .integer).notNull()
                table.column("status", .integer).notNull()
                table.column("configJSON", .text)
            }
        }
        migrator.registerMigration("v2", migrate: migrateToV2)
        migrator.registerMigration("v3") { db in
            try db.alter(table: DataRequestRecord.databaseTableName) { table in
                table.add(column: "contentType", .text)
            }
        }
        return migrator
    }
}

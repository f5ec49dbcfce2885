import GRDB
import Hummingbird

/// The sandbox's storage: every query the routes need, each in one GRDB transaction.
///
/// Business rules that need the database to decide (unique names, unknown parents) are checked
/// inside the same write transaction that inserts, and answered as `SandboxError`s: writes are
/// serialized by GRDB, so a check-then-insert there cannot race with another request.
final class SandboxStore: Sendable {
    /// Internal, not private, for the extensions that hold the queries of each feature.
    let writer: any DatabaseWriter

    /// Opens the store: a `DatabasePool` in WAL mode for a file (readers, such as a test polling
    /// `/rows`, never wait for a data-stream write), or a private in-memory `DatabaseQueue`.
    init(path: String?) throws {
        if let path {
            writer = try DatabasePool(path: path)
        } else {
            writer = try DatabaseQueue()
        }
        try SandboxSchema.migrator.migrate(writer)
    }

    // MARK: Projects

    func projects(name: String?, taskType: String?, paging: Paging) async throws
        -> (items: [(ProjectRecord, pipelineCount: Int)], total: Int)
    {
        try await writer.read { db in
            var request = ProjectRecord.all()
            if let name { request = request.filter(Column("name") == name) }
            if let taskType { request = request.filter(Column("taskType") == taskType) }
            let total = try request.fetchCount(db)
            let page = try request.order(Column.rowID).limit(paging.perPage, offset: paging.offset).fetchAll(db)
            let items = try page.map { ($0, pipelineCount: try Self.pipelineCount(db, projectId: $0.id)) }
            return (items, total)
        }
    }

    /// Inserts a project; a name already taken is a 409 (see `ProjectRoutes`).
    func createProject(_ project: ProjectRecord) async throws {
        try await writer.write { db in
            if try ProjectRecord.filter(Column("name") == project.name).fetchCount(db) > 0 {
                throw SandboxError.conflict("A project named '\(project.name)' already exists.")
            }
            try project.insert(db)
        }
    }

    func project(id: String) async throws -> (ProjectRecord, pipelineCount: Int)? {
        try await writer.read { db in
            guard let project = try ProjectRecord.fetchOne(db, key: id) else { return nil }
            return (project, try Self.pipelineCount(db, projectId: id))
        }
    }

    private static func pipelineCount(_ db: Database, projectId: String) throws -> Int {
        try PipelineRecord.filter(Column("projectId") == projectId).fetchCount(db)
    }

    // MARK: Inference pipelines

    /// The pipelines of a project, or `nil` when the project does not exist.
    func pipelines(projectId: String, name: String?, paging: Paging) async throws
        -> (items: [(PipelineRecord, rowCount: Int)], total: Int)?
    {
        try await writer.read { db in
            guard try ProjectRecord.exists(db, key: projectId) else { return nil }
            var request = PipelineRecord.filter(Column("projectId") == projectId)
            if let name { request = request.filter(Column("name") == name) }
            let total = try request.fetchCount(db)
            let page = try request.order(Column.rowID).limit(paging.perPage, offset: paging.offset).fetchAll(db)
            let items = try page.map { ($0, rowCount: try Self.rowCount(db, pipelineId: $0.id)) }
            return (items, total)
        }
    }

    /// Inserts a pipeline: 404 for an unknown project, 409 for a name taken in that project.
    func createPipeline(_ pipeline: PipelineRecord) async throws {
        try await writer.write { db in
            guard try ProjectRecord.exists(db, key: pipeline.projectId) else {
                throw SandboxError.notFound("Project '\(pipeline.projectId)' not found.")
            }
            try Self.checkNameFree(db, pipeline.name, projectId: pipeline.projectId, except: nil)
            try pipeline.insert(db)
        }
    }

    func pipeline(id: String) async throws -> (PipelineRecord, rowCount: Int)? {
        try await writer.read { db in
            guard let pipeline = try PipelineRecord.fetchOne(db, key: id) else { return nil }
            return (pipeline, try Self.rowCount(db, pipelineId: id))
        }
    }

    /// Applies `change` to a pipeline and saves it, with the reference dataset unpacked for it if
    /// any: 404 when unknown, 409 when renamed to a name another pipeline of the project has.
    func updatePipeline(
        id: String, referenceDataset: ReferenceDatasetRecord? = nil,
        change: @escaping @Sendable (inout PipelineRecord) -> Void
    ) async throws -> (PipelineRecord, rowCount: Int) {
        try await writer.write { db in
            guard var pipeline = try PipelineRecord.fetchOne(db, key: id) else {
                throw SandboxError.notFound("Inference pipeline '\(id)' not found.")
            }
            let oldName = pipeline.name
            change(&pipeline)
            if pipeline.name != oldName {
                try Self.checkNameFree(db, pipeline.name, projectId: pipeline.projectId, except: id)
            }
            try pipeline.update(db)
            if var referenceDataset {
                try referenceDataset.insert(db)
            }
            return (pipeline, try Self.rowCount(db, pipelineId: id))
        }
    }

    private static func checkNameFree(_ db: Database, _ name: String, projectId: String, except id: String?) throws {
        var request = PipelineRecord.filter(Column("projectId") == projectId && Column("name") == name)
        if let id { request = request.filter(Column("id") != id) }
        if try request.fetchCount(db) > 0 {
            throw SandboxError.conflict("An inference pipeline named '\(name)' already exists in this project.")
        }
    }

    func pipelineExists(id: String) async throws -> Bool {
        try await writer.read { db in try PipelineRecord.exists(db, key: id) }
    }

    // MARK: Streamed data

    /// Logs a data request and stores its rows in one transaction, so the log never shows
    /// a successful call whose rows are missing. Rows mark the pipeline as having received data.
    func record(_ request: DataRequestRecord, rows: [StreamedRowRecord]) async throws {
        try await writer.write { db in
            var request = request
            try request.insert(db)
            for var row in rows {
                try row.insert(db)
            }
            if !rows.isEmpty {
                try Self.markSampleReceived(db, pipelineId: request.pipelineId, at: request.receivedAt)
            }
        }
    }

    static func markSampleReceived(_ db: Database, pipelineId: String?, at time: Int64) throws {
        if let pipelineId, var pipeline = try PipelineRecord.fetchOne(db, key: pipelineId) {
            pipeline.dateLastSampleReceived = time
            try pipeline.update(db)
        }
    }

    /// Runs a logged request's handler, which records `entry` itself on success (with what it
    /// stored, in one transaction); on failure, records `entry` as the handler left it, with the
    /// status of the error answered (500 for an unexpected one), and rethrows.
    func loggingFailure<Value>(
        of entry: DataRequestRecord, _ handle: (inout DataRequestRecord) async throws -> Value
    ) async throws -> Value {
        var entry = entry
        do {
            return try await handle(&entry)
        } catch {
            entry.status = Int((error as? any HTTPResponseError)?.status.code ?? 500)
            try await record(entry, rows: [])
            throw error
        }
    }

    /// Every row of a pipeline with this inference id, in arrival order: duplicates included,
    /// since showing them is the point (Openlayer does not de-duplicate either).
    func rows(pipelineId: String, inferenceId: String) async throws -> [StreamedRowRecord] {
        try await writer.read { db in
            try StreamedRowRecord
                .filter(Column("pipelineId") == pipelineId && Column("inferenceId") == inferenceId)
                .order(Column("sequence"))
                .fetchAll(db)
        }
    }

    func rows(pipelineId: String, paging: Paging) async throws -> (items: [StreamedRowRecord], total: Int) {
        try await writer.read { db in
            let request = StreamedRowRecord.filter(Column("pipelineId") == pipelineId)
            let total = try request.fetchCount(db)
            let items = try request.order(Column("sequence")).limit(paging.perPage, offset: paging.offset).fetchAll(db)
            return (items, total)
        }
    }

    private static func rowCount(_ db: Database, pipelineId: String) throws -> Int {
        try StreamedRowRecord.filter(Column("pipelineId") == pipelineId).fetchCount(db)
    }

    /// The logged calls (data routes and uploads), optionally of one pipeline, in arrival order.
    func dataRequests(pipelineId: String?) async throws -> [DataRequestRecord] {
        try await writer.read { db in
            var request = DataRequestRecord.all()
            if let pipelineId { request = request.filter(Column("pipelineId") == pipelineId) }
            return try request.order(Column("sequence")).fetchAll(db)
        }
    }
}

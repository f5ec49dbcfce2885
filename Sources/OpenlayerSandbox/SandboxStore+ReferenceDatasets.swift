import GRDB

/// Reference datasets, recorded by `updatePipeline(id:referenceDataset:change:)`.
extension SandboxStore {
    /// Optionally of one pipeline, in the order they were set.
    func referenceDatasets(pipelineId: String?) async throws -> [ReferenceDatasetRecord] {
        try await writer.read { db in
            var request = ReferenceDatasetRecord.all()
            if let pipelineId { request = request.filter(Column("pipelineId") == pipelineId) }
            return try request.order(Column("sequence")).fetchAll(db)
        }
    }
}

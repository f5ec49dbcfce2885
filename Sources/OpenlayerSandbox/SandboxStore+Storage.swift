import GRDB

/// The objects of the sandbox's storage: presigned, then uploaded.
extension SandboxStore {
    func createStorageObject(_ object: StorageObjectRecord) async throws {
        try await writer.write { db in try object.insert(db) }
    }

    func storageObject(id: String) async throws -> StorageObjectRecord? {
        try await writer.read { db in try StorageObjectRecord.fetchOne(db, key: id) }
    }

    /// The object a storage URI names, if it was uploaded (presigned only counts as absent).
    func uploadedObject(uri: String) async throws -> StorageObjectRecord? {
        try await writer.read { db in
            try StorageObjectRecord
                .filter(Column("storageUri") == uri && Column("uploadedAt") != nil)
                .fetchOne(db)
        }
    }

    /// Marks an object uploaded (again: a URL may be used more than once, the last upload
    /// winning) and logs the upload, in one transaction.
    func recordUpload(_ entry: DataRequestRecord, objectId: String, path: String) async throws {
        try await writer.write { db in
            var entry = entry
            try entry.insert(db)
            guard var object = try StorageObjectRecord.fetchOne(db, key: objectId) else { return }
            object.uploadedAt = entry.receivedAt
            object.byteCount = entry.byteCount
            object.path = path
            try object.update(db)
        }
    }
}

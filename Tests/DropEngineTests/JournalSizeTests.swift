@testable import DropEngine
import Foundation
import GRDB
import Testing

/// The journal grows with batches, not rows, and forgets what is past its retention.
@Suite("The journal's size and memory")
struct JournalSizeTests {
    @Test("A batch's inference ids are one blob of 8-byte fingerprints, found again exactly")
    func fingerprints() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/journal.sqlite"
        let journal = try Journal(path: path)
        var file = try journal.claim(pipeline: "fraud", kind: .predictions, name: "f.csv", claimedPath: "/p/f.csv", size: 1, at: Date())
        let fileId = try #require(file.id)
        let ids = (1...20_000).map { "id-\($0)" }
        for (index, chunk) in stride(from: 0, to: ids.count, by: 1000).map({ Array(ids[$0..<min($0 + 1000, ids.count)]) }).enumerated() {
            try journal.record(
                JournalBatch(fileId: fileId, firstOrdinal: index * 1000 + 1, lastOrdinal: index * 1000 + 1000, rows: 1000, outcome: .acknowledged, message: nil, at: "t"),
                inferenceIds: chunk, pipeline: "fraud")
        }
        file.state = .archived
        try journal.update(file)
        #expect(try journal.unknownInferenceIds(["id-1", "id-20000", "id-20001", "nope"], pipeline: "fraud") == ["id-20001", "nope"])
        let pool = try DatabasePool(path: path)
        let (rows, bytes) = try pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM inferenceIdSet")!, try Int.fetchOne(db, sql: "SELECT sum(length(fingerprints)) FROM inferenceIdSet")!)
        }
        #expect(rows == 20)
        #expect(bytes == 8 * 20_000)
        // Distinct ids, distinct fingerprints.
        #expect(Set(ids.map(InferenceIdFingerprint.of)).count == ids.count)
    }

    @Test("Generated inference ids take no room: a file's SHA-256 and row count give them back to the ground-truth check")
    func generatedIds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/journal.sqlite"
        let journal = try Journal(path: path)
        let digest = (0..<32).map { UInt8($0) }
        var file = try journal.claim(pipeline: "fraud", kind: .predictions, name: "f.csv", claimedPath: "/p/f.csv", size: 1, at: Date())
        file.sha256 = FileDigest.hex(digest)
        file.rowCount = 50_000
        file.generatedIds = 50_000
        file.state = .archived
        try journal.update(file)
        for first in stride(from: 1, through: 50_000, by: 1000) {
            try journal.record(
                JournalBatch(fileId: file.id!, firstOrdinal: first, lastOrdinal: first + 999, rows: 1000, outcome: .acknowledged, message: nil, at: "t"),
                inferenceIds: [], pipeline: "fraud")
        }
        let generator = InferenceIdGenerator(fileDigest: digest)
        let known = [generator.id(forRow: 1), generator.id(forRow: 50_000)]
        let unknown = [generator.id(forRow: 50_001), "0f0e0d0c-0b0a-8908-8706-050403020100", "nope"]
        #expect(try journal.unknownInferenceIds(known + unknown, pipeline: "fraud") == unknown)
        #expect(known.allSatisfy { InferenceIdGenerator.UUIDBytes(generatedId: $0) != nil })
        #expect(InferenceIdGenerator.UUIDBytes(generatedId: "0F0E0D0C-0B0A-8908-8706-050403020100") == nil)
        // A file still publishing has not published its ids.
        file.state = .publishing
        try journal.update(file)
        #expect(try journal.unknownInferenceIds(known, pipeline: "fraud") == known)
        let pool = try DatabasePool(path: path)
        let (fingerprints, size) = try pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM inferenceIdSet")!,
             try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")!)
        }
        #expect(fingerprints == 0)
        // Fifty batches and one file: the journal stays well under a mebibyte.
        #expect(size < 256 * 1024)
    }

    @Test("Files finished before the retention are forgotten with their batches and ids; files in work never")
    func retention() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try Journal(path: directory.path + "/journal.sqlite")
        let old = Date(timeIntervalSinceNow: -100 * 86_400)
        var archived = try journal.claim(pipeline: "fraud", kind: .predictions, name: "old.csv", claimedPath: "/p/old.csv", size: 1, at: old)
        try journal.record(
            JournalBatch(fileId: archived.id!, firstOrdinal: 1, lastOrdinal: 1, rows: 1, outcome: .acknowledged, message: nil, at: "t"),
            inferenceIds: ["old-1"], pipeline: "fraud")
        archived.state = .archived
        archived.finishedAt = Journal.timestamp(old)
        try journal.update(archived)
        var publishing = try journal.claim(pipeline: "fraud", kind: .predictions, name: "slow.csv", claimedPath: "/p/slow.csv", size: 1, at: old)
        publishing.state = .publishing
        try journal.update(publishing)
        var recent = try journal.claim(pipeline: "fraud", kind: .predictions, name: "new.csv", claimedPath: "/p/new.csv", size: 1, at: Date())
        recent.state = .archived
        recent.finishedAt = Journal.timestamp(Date())
        try journal.update(recent)

        #expect(try journal.unknownInferenceIds(["old-1"], pipeline: "fraud").isEmpty)
        #expect(try journal.forgetFiles(finishedBefore: Date(timeIntervalSinceNow: -90 * 86_400)) == 1)
        #expect(try journal.file(id: archived.id!) == nil)
        #expect(try journal.batches(fileId: archived.id!).isEmpty)
        #expect(try journal.unknownInferenceIds(["old-1"], pipeline: "fraud") == ["old-1"])
        #expect(try journal.file(id: publishing.id!) != nil && journal.file(id: recent.id!) != nil)
    }

    @Test("A journal of the earlier layout, one row per id, opens with its ids as fingerprints")
    func migration() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/journal.sqlite"
        do {
            let pool = try DatabasePool(path: path)
            try Journal.migrator.migrate(pool, upTo: "v2: kinds, bulk, inference ids")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO file (id, pipeline, name, claimedPath, state, size, claimedAt, kind)
                    VALUES (1, 'fraud', 'a.csv', '/p/a.csv', 'archived', 1, '2026-11-30T00:00:00.000Z', 'predictions')
                    """)
                for id in ["a1", "a2", "a3"] {
                    try db.execute(sql: "INSERT INTO inferenceId (pipeline, id, fileId) VALUES ('fraud', ?, 1)", arguments: [id])
                }
            }
        }
        let journal = try Journal(path: path)
        #expect(try journal.unknownInferenceIds(["a1", "a3", "b1"], pipeline: "fraud") == ["b1"])
    }
}

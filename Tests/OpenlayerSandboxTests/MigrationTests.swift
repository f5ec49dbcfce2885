import DropFormats
import Foundation
import Testing

/// A database file made before batch uploads (schema `v1`) opens in this version: its log entries
/// read as data-stream calls, and new entries follow them.
@Suite struct MigrationTests {
    /// The `v1` schema exactly as GRDB created it, with one project, pipeline, row and log entry.
    static let makeV1Database = #"""
        import sqlite3, sys
        db = sqlite3.connect(sys.argv[1])
        db.executescript('''
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        INSERT INTO grdb_migrations VALUES ('v1');
        CREATE TABLE "project" ("id" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL UNIQUE, "taskType" TEXT NOT NULL, "description" TEXT, "dateCreated" INTEGER NOT NULL, "dateUpdated" INTEGER NOT NULL);
        CREATE TABLE "inferencePipeline" ("id" TEXT PRIMARY KEY NOT NULL, "projectId" TEXT NOT NULL REFERENCES "project"("id") ON DELETE CASCADE, "name" TEXT NOT NULL, "description" TEXT, "status" TEXT NOT NULL, "referenceDatasetUri" TEXT, "dateCreated" INTEGER NOT NULL, "dateUpdated" INTEGER NOT NULL, "dateLastSampleReceived" INTEGER, UNIQUE ("projectId", "name"));
        CREATE INDEX "inferencePipeline_on_projectId" ON "inferencePipeline"("projectId");
        CREATE TABLE "streamedRow" ("sequence" INTEGER PRIMARY KEY AUTOINCREMENT, "pipelineId" TEXT NOT NULL, "inferenceId" TEXT, "rowJSON" TEXT NOT NULL, "requestId" TEXT NOT NULL, "receivedAt" INTEGER NOT NULL);
        CREATE INDEX "streamedRow_pipeline_inference" ON "streamedRow"("pipelineId", "inferenceId");
        CREATE TABLE "dataRequest" ("sequence" INTEGER PRIMARY KEY AUTOINCREMENT, "id" TEXT NOT NULL UNIQUE, "pipelineId" TEXT NOT NULL, "receivedAt" INTEGER NOT NULL, "rowCount" INTEGER NOT NULL, "status" INTEGER NOT NULL, "configJSON" TEXT);
        CREATE INDEX "dataRequest_on_pipelineId" ON "dataRequest"("pipelineId");
        INSERT INTO project VALUES ('p', 'fraud model', 'tabular-classification', NULL, 0, 0);
        INSERT INTO inferencePipeline VALUES ('pl', 'p', 'production', NULL, 'queued', NULL, 0, 0, 1000);
        INSERT INTO dataRequest VALUES (41, 'r-old', 'pl', 1000, 1, 200, '{"inferenceIdColumnName":"id"}');
        INSERT INTO streamedRow VALUES (9, 'pl', 'old', '{"id":"old","x":1}', 'r-old', 1000);
        ''')
        db.commit()
        """#

    @Test func v1DatabaseIsMigrated() async throws {
        let scratch = try Scratch()
        let path = scratch.path("v1.sqlite")
        try ExternalTool.run([ExternalTool.python, "-c", Self.makeV1Database, path])
        try await SandboxHarness.withSandbox(databasePath: path) { client in
            let body = #"{"config": {"inferenceIdColumnName": "id"}, "rows": [{"id": "new", "x": 2}]}"#
            #expect(try await client.http("POST", "/v1/inference-pipelines/pl/data-stream", json: body).status == 200)
            let log = try await client.loggedRequests(pipelineId: "pl")
            #expect(log.map { $0.at("id") }.first == .string("r-old"))
            #expect(log.map { $0.at("kind") } == [.string("data-stream"), .string("data-stream")])
            #expect(log.first?.at("config")?.at("inferenceIdColumnName") == .string("id"))
            let updated = try await client.http(
                "PUT", "/v1/inference-pipelines/pl/rows?inferenceId=old", json: #"{"row": {"label": 1}, "config": {}}"#
            )
            #expect(updated.status == 200)
            let row = try await client.storedRows("pl", inferenceId: "old").first
            #expect(row?.compactText == #"{"id":"old","x":1,"label":1}"#)
        }
    }
}

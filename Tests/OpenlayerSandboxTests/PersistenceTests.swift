import DropFormats
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// With a database path the sandbox keeps its data across restarts (a demo can be stopped
/// and resumed); the file is a WAL-mode SQLite database.
@Suite struct PersistenceTests {
    @Test func dataSurvivesARestart() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("openlayer-sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sandbox.sqlite").path

        let pipelineId = try await SandboxHarness.withSandbox(databasePath: path) { client in
            let id = try await client.createPipeline()
            let body = #"{"config": {"inferenceIdColumnName": "id"}, "rows": [{"id": "kept", "x": 2.5}]}"#
            #expect(try await client.send(.post, "/v1/inference-pipelines/\(id)/data-stream", body: body).status == .ok)
            return id
        }
        try await SandboxHarness.withSandbox(databasePath: path) { client in
            let rows = try await client.send(.get, "/v1/inference-pipelines/\(pipelineId)/rows?inferenceId=kept").json
            #expect(rows.at("items")?.at(0)?.at("row")?.at("x") == .double(2.5))
            let projects = try await client.send(.get, "/v1/projects?name=fraud+model").json
            #expect(projects.at("items")?.array?.count == 1)
        }
    }
}

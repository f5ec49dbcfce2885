import DropFormats
import Testing

/// Pipelines: create and load by name under a project, get and update by id.
@Suite struct InferencePipelineTests {
    @Test func createListAndGetByName() async throws {
        try await SandboxHarness.withSandbox { client in
            let projectId = try await client.createProject("fraud model")
            let created = try await client.send(
                .post, "/v1/projects/\(projectId)/inference-pipelines",
                body: #"{"name": "production", "description": null}"#
            )
            #expect(created.status == .created)
            let pipeline = try created.json
            let id = try #require(pipeline.at("id")?.string)
            #expect(pipeline.at("projectId") == .string(projectId))
            #expect(pipeline.at("description") == .null)
            #expect(pipeline.at("referenceDatasetUri") == .null)
            #expect(pipeline.at("status")?.string != nil)

            _ = try await client.send(
                .post, "/v1/projects/\(projectId)/inference-pipelines",
                body: #"{"name": "staging", "description": "second"}"#
            )
            let listed = try await client.send(.get, "/v1/projects/\(projectId)/inference-pipelines?name=production").json
            #expect(listed.at("items")?.array?.count == 1)
            #expect(listed.at("items")?.at(0)?.at("id")?.string == id)

            let loaded = try await client.send(.get, "/v1/inference-pipelines/\(id)")
            #expect(loaded.status == .ok)
            #expect(try loaded.json.at("name") == .string("production"))

            let project = try await client.send(.get, "/v1/projects?name=fraud+model").json
            #expect(project.at("items")?.at(0)?.at("inferencePipelineCount") == .integer(2))
        }
    }

    @Test func duplicateNameInAProjectIsAConflict() async throws {
        try await SandboxHarness.withSandbox { client in
            let projectId = try await client.createProject("fraud model")
            let body = #"{"name": "production", "description": null}"#
            let first = try await client.send(.post, "/v1/projects/\(projectId)/inference-pipelines", body: body)
            #expect(first.status == .created)
            let second = try await client.send(.post, "/v1/projects/\(projectId)/inference-pipelines", body: body)
            #expect(second.status == .conflict)
        }
    }

    /// An update body that is not JSON must be refused, not read as an empty (and so
    /// harmless-looking) update.
    @Test func invalidJSONUpdateIsABadRequest() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline("production")
            let reply = try await client.send(.put, "/v1/inference-pipelines/\(id)", body: #"{"name": "#)
            #expect(reply.status == .badRequest)
            #expect(try reply.json.at("error")?.string != nil)
        }
    }

    @Test func missingDescriptionIsABadRequest() async throws {
        try await SandboxHarness.withSandbox { client in
            let projectId = try await client.createProject("fraud model")
            let reply = try await client.send(
                .post, "/v1/projects/\(projectId)/inference-pipelines", body: #"{"name": "production"}"#
            )
            #expect(reply.status == .badRequest)
        }
    }

    @Test func unknownProjectOrPipelineIsNotFound() async throws {
        try await SandboxHarness.withSandbox { client in
            let unknown = "00000000-0000-0000-0000-000000000000"
            let list = try await client.send(.get, "/v1/projects/\(unknown)/inference-pipelines")
            #expect(list.status == .notFound)
            #expect(try list.json.at("error")?.string != nil)
            let create = try await client.send(
                .post, "/v1/projects/\(unknown)/inference-pipelines", body: #"{"name": "p", "description": null}"#
            )
            #expect(create.status == .notFound)
            let get = try await client.send(.get, "/v1/inference-pipelines/\(unknown)")
            #expect(get.status == .notFound)
            let put = try await client.send(.put, "/v1/inference-pipelines/\(unknown)", body: #"{"name": "q"}"#)
            #expect(put.status == .notFound)
        }
    }

    @Test func updateChangesOnlyTheGivenFields() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline("production")
            let uri = "s3://bucket/reference_dataset.tar.gz"
            let reply = try await client.send(
                .put, "/v1/inference-pipelines/\(id)",
                body: #"{"referenceDatasetUri": "\#(uri)", "description": "with reference"}"#
            )
            #expect(reply.status == .ok)
            let updated = try reply.json
            #expect(updated.at("referenceDatasetUri") == .string(uri))
            #expect(updated.at("description") == .string("with reference"))
            #expect(updated.at("name") == .string("production"))

            let cleared = try await client.send(.put, "/v1/inference-pipelines/\(id)", body: #"{"description": null}"#)
            #expect(try cleared.json.at("description") == .null)
            let loaded = try await client.send(.get, "/v1/inference-pipelines/\(id)").json
            #expect(loaded.at("referenceDatasetUri") == .string(uri))
            #expect(loaded.at("description") == .null)
        }
    }
}

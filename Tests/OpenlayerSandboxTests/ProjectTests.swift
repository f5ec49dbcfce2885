import DropFormats
import Testing

/// Create-or-load by name, the way the uploader finds its project.
@Suite struct ProjectTests {
    @Test func createdProjectHasTheRealAPIFields() async throws {
        try await SandboxHarness.withSandbox { client in
            let reply = try await client.send(
                .post, "/v1/projects",
                body: #"{"name": "fraud model", "taskType": "tabular-classification", "description": "demo"}"#
            )
            #expect(reply.status == .created)
            let project = try reply.json
            #expect(project.at("id")?.string?.count == 36)
            #expect(project.at("name") == .string("fraud model"))
            #expect(project.at("taskType") == .string("tabular-classification"))
            #expect(project.at("description") == .string("demo"))
            #expect(project.at("inferencePipelineCount") == .integer(0))
            #expect(project.at("dateCreated")?.string?.hasSuffix("Z") == true)
        }
    }

    @Test func listFiltersByExactNameAcrossEncodings() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createProject("fraud model")
            _ = try await client.createProject("fraud model v2")
            // `+` is how Python's urlencode (and so the Openlayer SDK) sends a space.
            for query in ["fraud+model", "fraud%20model"] {
                let reply = try await client.send(.get, "/v1/projects?name=\(query)")
                #expect(reply.status == .ok)
                let json = try reply.json
                #expect(json.at("items")?.array?.count == 1, "\(query)")
                #expect(json.at("items")?.at(0)?.at("id")?.string == id)
                #expect(json.at("_meta")?.at("totalItems") == .integer(1))
            }
            let all = try await client.send(.get, "/v1/projects").json
            #expect(all.at("_meta")?.at("totalItems") == .integer(2))
        }
    }

    @Test func listIsPaged() async throws {
        try await SandboxHarness.withSandbox { client in
            for index in 1...3 { _ = try await client.createProject("p\(index)") }
            let json = try await client.send(.get, "/v1/projects?page=2&perPage=2").json
            #expect(json.at("items")?.array?.count == 1)
            #expect(json.at("items")?.at(0)?.at("name") == .string("p3"))
            #expect(json.at("_meta")?.at("totalPages") == .integer(2))
            #expect(json.at("_meta")?.at("page") == .integer(2))
        }
    }

    @Test func duplicateNameIsAConflict() async throws {
        try await SandboxHarness.withSandbox { client in
            _ = try await client.createProject("fraud model")
            let reply = try await client.send(
                .post, "/v1/projects", body: #"{"name": "fraud model", "taskType": "llm-base"}"#
            )
            #expect(reply.status == .conflict)
            #expect(try reply.json.at("error")?.string != nil)
        }
    }

    @Test(arguments: [
        #"{"name": "x", "taskType": "image-classification"}"#,
        #"{"name": "x"}"#,
        #"{"taskType": "llm-base"}"#,
        #"{"name": "", "taskType": "llm-base"}"#,
        #"["name"]"#,
        #"{"name": "x", "#,
    ])
    func invalidCreateIsABadRequest(body: String) async throws {
        try await SandboxHarness.withSandbox { client in
            let reply = try await client.send(.post, "/v1/projects", body: body)
            #expect(reply.status == .badRequest)
            #expect(try reply.json.at("error")?.string != nil)
        }
    }
}

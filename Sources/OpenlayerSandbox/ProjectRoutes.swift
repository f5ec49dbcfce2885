import DropJSON
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `GET /v1/projects` and `POST /v1/projects`.
///
/// A duplicate project name is answered 409 Conflict: project names are unique in an Openlayer
/// workspace, the legacy Python client mapped that answer to `OpenlayerDuplicateEntity` and
/// loaded the existing project instead, and the current SDK has a `ConflictError` for 409.
struct ProjectRoutes: Sendable {
    /// The task types Openlayer accepts (`types/project_create_params.py`).
    static let taskTypes: Set<String> = [
        "llm-base", "tabular-classification", "tabular-regression", "text-classification",
    ]

    let store: SandboxStore

    func register(on group: RouterGroup<SandboxRequestContext>) {
        group.get("projects", use: list)
        group.post("projects", use: create)
    }

    /// `name` filters exactly; clients compare the names they get back themselves anyway,
    /// because the real API may match more loosely.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let query = QueryParameters(request.uri.query)
        let paging = try Paging(query)
        let (items, total) = try await store.projects(name: query["name"], taskType: query["taskType"], paging: paging)
        let json = items.map { $0.0.json(pipelineCount: $0.pipelineCount) }
        return JSONResponse.make(paging.listBody(items: json, totalItems: total))
    }

    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        var request = request
        let body = try await JSONRequestBody.parseObject(&request, context: context)
        guard let name = body["name"]?.stringValue, !name.isEmpty else {
            throw SandboxError.badRequest("'name' is required and must be a non-empty string.")
        }
        guard let taskType = body["taskType"]?.stringValue, Self.taskTypes.contains(taskType) else {
            let allowed = Self.taskTypes.sorted().joined(separator: ", ")
            throw SandboxError.badRequest("'taskType' is required and must be one of: \(allowed).")
        }
        let description: String?
        switch body["description"] {
        case nil, .null?: description = nil
        case .string(let text)?: description = text
        default: throw SandboxError.badRequest("'description' must be a string or null.")
        }
        let now = Timestamp.nowMilliseconds()
        let project = ProjectRecord(
            id: UUID().uuidString.lowercased(), name: name, taskType: taskType,
            description: description, dateCreated: now, dateUpdated: now
        )
        try await store.createProject(project)
        return JSONResponse.make(project.json(pipelineCount: 0), status: .created)
    }
}

extension ProjectRecord {
    /// The project as the real API shows it (`types/project_create_response.py`); counters of
    /// features the sandbox lacks (goals, versions) are zero.
    func json(pipelineCount: Int) -> JSONValue {
        .object(.init(pairs: [
            "id": .string(id),
            "name": .string(name),
            "taskType": .string(taskType),
            "description": .nullable(description),
            "dateCreated": .string(Timestamp.iso8601(milliseconds: dateCreated)),
            "dateUpdated": .string(Timestamp.iso8601(milliseconds: dateUpdated)),
            "creatorId": .null,
            "workspaceId": .null,
            "source": .string("api"),
            "inferencePipelineCount": .integer(Int64(pipelineCount)),
            "developmentGoalCount": .integer(0),
            "monitoringGoalCount": .integer(0),
            "goalCount": .integer(0),
            "versionCount": .integer(0),
            "links": .object(.init(pairs: ["app": .string("/projects/\(id)")])),
        ]))
    }
}

/// A project as the API returns it; only the fields the uploader relies on.
public struct Project: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var taskType: String?

    public init(id: String, name: String, taskType: String?) {
        self.id = id
        self.name = name
        self.taskType = taskType
    }
}

/// An inference pipeline as the API returns it; only the fields the uploader relies on.
public struct InferencePipeline: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var projectId: String?

    public init(id: String, name: String, projectId: String?) {
        self.id = id
        self.name = name
        self.projectId = projectId
    }
}

/// The envelope of every list endpoint: `{"_meta": {...}, "items": [...]}`.
struct ListResponse<Item: Decodable>: Decodable {
    var items: [Item]
}

struct CreateProjectBody: Encodable {
    var name: String
    var taskType: String
    var description: String?
}

struct CreatePipelineBody: Encodable {
    var name: String
    var description: String?

    /// The API wants `description` present, as null when there is none.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
    }

    private enum CodingKeys: String, CodingKey { case name, description }
}

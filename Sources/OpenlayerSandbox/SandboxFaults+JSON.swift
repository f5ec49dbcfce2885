import DropJSON

/// The JSON form of `SandboxFaults`, read by `PUT /v1/sandbox/faults` and answered by all the
/// fault routes.
///
/// On the way in every field is optional, and absent or `null` means off: a PUT replaces the
/// whole state, so a test states the faults it wants rather than patching what an earlier test
/// left. On the way out every field is present (`null` when off), counts showing what remains.
/// Unknown fields are a 400: a misspelt `failnext` must not pass for "no fault".
extension SandboxFaults {
    static let fieldNames = [
        "failNext", "status", "retryAfter", "retryAfterMs", "shouldRetry", "message", "latencyMs", "dropNext",
        "unauthorized",
    ]

    init(json object: JSONObject) throws(SandboxError) {
        if let unknown = object.keys.first(where: { !Self.fieldNames.contains($0) }) {
            let known = Self.fieldNames.joined(separator: ", ")
            throw .badRequest("Unknown field '\(unknown)'; the fields are \(known).")
        }
        self.init(
            failNext: try Self.integer(object, "failNext") ?? 0,
            status: try Self.integer(object, "status") ?? 503,
            retryAfter: try Self.retryAfter(object["retryAfter"]),
            retryAfterMs: try Self.integer(object, "retryAfterMs"),
            shouldRetry: try Self.bool(object, "shouldRetry"),
            message: try Self.string(object, "message"),
            latencyMs: try Self.integer(object, "latencyMs") ?? 0,
            dropNext: try Self.integer(object, "dropNext") ?? 0,
            unauthorized: try Self.bool(object, "unauthorized") ?? false
        )
        do {
            try validate()
        } catch {
            throw .badRequest(error.description)
        }
    }

    var json: JSONValue {
        .object(.init(pairs: [
            "failNext": .integer(Int64(failNext)),
            "status": .integer(Int64(status)),
            "retryAfter": .nullable(retryAfter),
            "retryAfterMs": retryAfterMs.map { .integer(Int64($0)) } ?? .null,
            "shouldRetry": shouldRetry.map(JSONValue.bool) ?? .null,
            "message": .nullable(message),
            "latencyMs": .integer(Int64(latencyMs)),
            "dropNext": .integer(Int64(dropNext)),
            "unauthorized": .bool(unauthorized),
        ]))
    }

    private static func integer(_ object: JSONObject, _ key: String) throws(SandboxError) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .integer(let number)?:
            if let value = Int(exactly: number) { return value }
        default: break
        }
        throw .badRequest("'\(key)' must be an integer.")
    }

    private static func bool(_ object: JSONObject, _ key: String) throws(SandboxError) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw .badRequest("'\(key)' must be true or false.")
        }
    }

    private static func string(_ object: JSONObject, _ key: String) throws(SandboxError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw .badRequest("'\(key)' must be a string.")
        }
    }

    /// A string as is; an integer as its digits, since `"retryAfter": 2` is the obvious way to
    /// ask for `Retry-After: 2`.
    private static func retryAfter(_ value: JSONValue?) throws(SandboxError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .integer(let seconds)?: return String(seconds)
        default: throw .badRequest("'retryAfter' must be a string (seconds or an HTTP date) or an integer.")
        }
    }
}

import DropJSON

/// Reads the column names the data routes act on from a request's `config`.
///
/// The sandbox does not check a config against its task type's schema (see `DataStreamRoutes`),
/// but a name it uses must be a string, or the rows would be stored under no id without a word.
enum DataConfigFields {
    /// `inferenceIdColumnName`: absent or null for none.
    static func inferenceIdColumn(_ config: JSONObject) throws(SandboxError) -> String? {
        try optionalString(config, "inferenceIdColumnName")
    }

    /// A config member that must be a string when present and not null.
    static func optionalString(_ config: JSONObject, _ key: String) throws(SandboxError) -> String? {
        switch config[key] {
        case nil, .null?: return nil
        case .string(let name)?: return name
        default: throw .badRequest("'config.\(key)' must be a string.")
        }
    }
}

/// The keys each mapping of the config file may hold, and what each key holds: the shape
/// against which unknown (usually misspelt) keys are found.
indirect enum ConfigKeys {
    /// A scalar, a list, or a free-form value (`metadata`, `prompt`): not looked into.
    case value
    /// A mapping of these keys, in the order they are listed to a person.
    case mapping([(key: String, keys: ConfigKeys)])
    /// A mapping whose keys are names the user chooses (`pipelines`), each holding `keys`.
    case named(ConfigKeys)

    /// The keys of a Codable type's `CodingKeys`; `nested` gives the mappings among them.
    static func keys<Key: CodingKey & CaseIterable>(_: Key.Type, nested: [String: ConfigKeys] = [:]) -> ConfigKeys {
        let names = Key.allCases.map(\.stringValue)
        precondition(Set(nested.keys).isSubset(of: names), "nested keys must be coding keys: \(nested.keys.sorted())")
        return .mapping(names.map { (key: $0, keys: nested[$0] ?? .value) })
    }

    /// Both mappings' keys, for a mapping that two Codable types read (a pipeline and its settings).
    func merging(_ other: ConfigKeys) -> ConfigKeys {
        guard case .mapping(let mine) = self, case .mapping(let theirs) = other else { return self }
        return .mapping(mine + theirs)
    }

    /// The known keys, when this is a mapping of known keys.
    var names: [String] {
        guard case .mapping(let entries) = self else { return [] }
        return entries.map(\.key)
    }

    /// What `key` holds here; nil when this mapping does not know it.
    func keys(of key: String) -> ConfigKeys? {
        guard case .mapping(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.keys
    }

    /// The dotted paths of the mappings that know `key`, e.g. `pipelines.<name>.dataConfig`.
    func places(of key: String, under path: String = "") -> [String] {
        func join(_ next: String) -> String { path.isEmpty ? next : path + "." + next }
        switch self {
        case .value:
            return []
        case .named(let keys):
            return keys.places(of: key, under: join("<name>"))
        case .mapping(let entries):
            let here = entries.contains { $0.key == key } ? [path.isEmpty ? "the top level" : path] : []
            return here + entries.flatMap { $0.keys.places(of: key, under: join($0.key)) }
        }
    }
}

import Yams

/// Finds a key the config does not know. A misspelt `clasNames` would otherwise be ignored
/// without a word, and the service would run on a config that lacks what its author thinks it
/// says; so the first unknown key stops the start, with the known key it most resembles.
enum UnknownKeyCheck {
    /// - Parameter node: the whole file, as composed by Yams (merge keys resolved, not flattened).
    static func check(_ node: Node, against keys: ConfigKeys, file: String) throws(ConfigError) {
        try walk(node, keys: keys, path: "", root: keys, file: file)
    }

    private static func walk(_ node: Node, keys: ConfigKeys, path: String, root: ConfigKeys, file: String) throws(ConfigError) {
        // A value that is not a mapping where one belongs is the decoder's to describe.
        switch keys {
        case .value:
            return
        case .named(let each):
            for (name, value) in entries(of: node) ?? [] {
                try walk(value, keys: each, path: join(path, name), root: root, file: file)
            }
        case .mapping:
            for (key, value) in entries(of: node) ?? [] {
                let keyPath = join(path, key)
                guard let inner = keys.keys(of: key) else {
                    throw ConfigError(file: file, keyPath: keyPath, message: message(for: key, at: keyPath, known: keys.names, root: root), kind: .unknownKey)
                }
                try walk(value, keys: inner, path: keyPath, root: root, file: file)
            }
        }
    }

    /// The key–value pairs of a mapping, those brought in by merge keys (`<<: *defaults`) first.
    private static func entries(of node: Node) -> [(String, Node)]? {
        guard case .mapping(let mapping) = node else { return nil }
        var merged: [(String, Node)] = []
        var own: [(String, Node)] = []
        for (key, value) in mapping {
            if key.tag.rawValue == Tag.Name.merge.rawValue {
                let sources: [Node] = if case .sequence(let sequence) = value { Array(sequence) } else { [value] }
                for source in sources { merged += entries(of: source) ?? [] }
            } else if let name = key.string {
                own.append((name, value))
            }
        }
        return merged + own
    }

    private static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    static func message(for key: String, at keyPath: String, known: [String], root: ConfigKeys) -> String {
        if let suggestion = closest(to: key, among: known) {
            return "unknown key; did you mean '\(suggestion)'?"
        }
        // Within a pipeline, point at the place in that same pipeline.
        let parts = keyPath.split(separator: ".", omittingEmptySubsequences: false)
        let pipeline = parts.count > 2 && parts[0] == "pipelines" ? String(parts[1]) : nil
        let places = root.places(of: key).map { place in pipeline.map { place.replacingOccurrences(of: "<name>", with: $0) } ?? place }
        if !places.isEmpty {
            return "unknown key here; '\(key)' belongs under \(places.joined(separator: " or "))"
        }
        return "unknown key; expected one of \(known.joined(separator: ", "))"
    }

    /// The known key `key` most resembles, when it resembles one closely enough to be a slip:
    /// compared without case, `_` or `-` (so `class_names` is `classNames`), at most a third of
    /// the letters apart, or one the start of the other (`label` for `labelColumnName`).
    static func closest(to key: String, among known: [String]) -> String? {
        let typed = normalized(key)
        guard !typed.isEmpty else { return nil }
        var best: (name: String, distance: Int)?
        for name in known {
            let candidate = normalized(name)
            let distance = editDistance(typed, candidate)
            let isPrefix = typed.count >= 4 && (candidate.starts(with: typed) || typed.starts(with: candidate))
            guard distance <= max(1, min(typed.count, candidate.count) / 3) || isPrefix else { continue }
            if best == nil || distance < best!.distance { best = (name, distance) }
        }
        return best?.name
    }

    private static func normalized(_ key: String) -> [Character] {
        Array(key.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

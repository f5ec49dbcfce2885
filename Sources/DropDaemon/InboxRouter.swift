import DropEngine

/// Where a path reported by the watcher belongs: a pipeline's inbox folder, or nowhere.
struct InboxRouter: Sendable {
    let inbox: String
    let pipelines: Set<String>

    enum Route: Equatable {
        case pipeline(String, FileKind)
        /// Not directly inside a configured pipeline's folder; the reason says where it should be.
        case stray(folder: String, reason: String)
    }

    func route(_ path: String) -> Route? {
        guard path.hasPrefix(inbox + "/") else { return nil }
        let parts = path.dropFirst(inbox.count + 1).split(separator: "/").map(String.init)
        if parts.count == 1 {
            return .stray(folder: "_inbox", reason: "files belong in a pipeline's folder, inbox/<pipeline>/, not in the inbox itself")
        }
        let folder = parts[0]
        guard pipelines.contains(folder) else {
            return .stray(folder: folder, reason: "no pipeline named '\(folder)' in the config (configured: \(pipelines.sorted().joined(separator: ", ")))")
        }
        if parts.count == 2 { return .pipeline(folder, .predictions) }
        if parts.count == 3, let kind = FileKind(folder: parts[1]), kind != .predictions {
            return .pipeline(folder, kind)
        }
        return .stray(folder: folder, reason: "files belong in inbox/\(folder)/ (predictions), inbox/\(folder)/ground-truths/ or inbox/\(folder)/reference/, not in another subfolder")
    }
}

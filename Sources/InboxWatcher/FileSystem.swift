import Glibc

/// The few file-system operations the watcher needs, on plain POSIX calls.
///
/// Why not Foundation's FileManager: we need `lstat` semantics (a symbolic link is neither a
/// regular file nor a directory to us, so we never follow links out of the inbox), we want to
/// skip — not mangle — names that are not valid UTF-8, and errors here are expected races
/// (a file vanishing while we list) that should simply drop the entry.
enum FileSystem {
    enum Kind: Equatable, Sendable {
        case regularFile
        case directory
        /// Symbolic link, socket, FIFO, device…
        case other
        /// Does not exist (or cannot be inspected).
        case missing
    }

    struct Entry: Equatable, Sendable {
        var name: String
        var kind: Kind
    }

    /// Kind of `path` itself, without following a final symbolic link.
    static func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        return kind(mode: info.st_mode)
    }

    /// How many names `path` has (hard links), without following a final symbolic link; 0 if
    /// it cannot be inspected.
    static func linkCount(of path: String) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return Int(info.st_nlink)
    }

    /// Kind of `path`, following symbolic links (used for the inbox root only).
    static func kindFollowingLinks(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return kind(mode: info.st_mode)
    }

    /// The entries of `directory`, sorted by name, without "." and "..". An unreadable or
    /// vanished directory yields no entries; names that are not valid UTF-8 are skipped
    /// because a Swift `String` could not name them faithfully.
    static func entries(of directory: String) -> [Entry] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var result: [Entry] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { bytes in
                String(validatingCString: bytes.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            guard let name, name != ".", name != ".." else { continue }
            result.append(Entry(name: name, kind: kind(of: join(directory, name))))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// Entries below `directory` (recursively) that are not directories — regular files, and
    /// links or FIFOs for the consumer to refuse — whose names, and whose directories' names
    /// below `directory`, pass `filter`. Sorted by path. Links are never followed.
    static func readyFiles(under directory: String, filter: FileNameFilter) -> [String] {
        var files: [String] = []
        var pending = [directory]
        while let current = pending.popLast() {
            for entry in entries(of: current) where filter.accepts(entry.name) {
                let path = join(current, entry.name)
                switch entry.kind {
                case .regularFile, .other: files.append(path)
                case .directory: pending.append(path)
                case .missing: break
                }
            }
        }
        return files.sorted()
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// True if `path` is strictly below `directory`. Compares bytes: Linux file names are
    /// byte strings, and `String.hasPrefix` would equate differently normalized names.
    static func isInside(_ path: String, _ directory: String) -> Bool {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.utf8.count > prefix.utf8.count && path.utf8.starts(with: prefix.utf8)
    }

    /// `path` with its leading `directory` replaced by `newDirectory`; `path` must be
    /// `directory` itself or inside it.
    static func rebase(_ path: String, from directory: String, to newDirectory: String) -> String {
        let rest = path.utf8.dropFirst(directory.utf8.count)
        return newDirectory + String(decoding: rest, as: UTF8.self)
    }

    /// `path` made absolute (against the current directory) without trailing slashes.
    /// Symbolic links and ".." are left alone: the paths we report stay under the root
    /// the caller gave us.
    static func absolute(_ path: String) -> String {
        var result = path
        if !result.hasPrefix("/") {
            let cwd = currentDirectory()
            result = result.isEmpty || result == "." ? cwd : join(cwd, result)
        }
        while result.count > 1, result.hasSuffix("/") { result.removeLast() }
        return result
    }

    private static func currentDirectory() -> String {
        guard let buffer = getcwd(nil, 0) else { return "/" }
        defer { free(buffer) }
        return String(cString: buffer)
    }

    private static func kind(mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFREG: .regularFile
        case S_IFDIR: .directory
        default: .other
        }
    }
}

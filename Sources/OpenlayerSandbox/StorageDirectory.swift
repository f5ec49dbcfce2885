#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The directory where the sandbox keeps files: uploaded objects and unpacked reference datasets.
///
/// The database names these files by paths relative to this directory, so that a directory moved
/// along with its database file still works. An upload is written under `incoming/` and renamed
/// into `objects/` only once complete: an object is either whole or absent, and a failed upload
/// leaves the one before it (a presigned URL may be used again, replacing the object, as on S3).
struct StorageDirectory: Sendable {
    /// An absolute path.
    let root: String

    /// Creates the directory, or a new one under the system's temporary directory for `nil`.
    init(path: String?) throws {
        let fileManager = FileManager.default
        let root =
            path
            ?? fileManager.temporaryDirectory.appendingPathComponent(
                "openlayer-sandbox-files-\(UUID().uuidString.lowercased())"
            ).path
        for folder in ["", "incoming", "objects", "reference-datasets"] {
            try fileManager.createDirectory(
                atPath: Self.join(root, folder), withIntermediateDirectories: true
            )
        }
        self.root = root.hasPrefix("/") ? root : Self.join(fileManager.currentDirectoryPath, root)
    }

    func absolute(_ relative: String) -> String {
        Self.join(root, relative)
    }

    /// Where an upload is written while it arrives (absolute).
    func incomingPath() -> String {
        absolute("incoming/\(UUID().uuidString.lowercased()).part")
    }

    /// Where the object of an upload id lives (relative): under its id, so that names never
    /// collide, and named after its object name, so that a person browsing the directory
    /// recognizes it.
    static func objectPath(uploadId: String, objectName: String) -> String {
        "objects/\(uploadId)/\(fileName(objectName))"
    }

    /// A new folder for an unpacked reference dataset (relative), created.
    func newReferenceDatasetFolder() throws -> String {
        let relative = "reference-datasets/\(UUID().uuidString.lowercased())"
        try FileManager.default.createDirectory(atPath: absolute(relative), withIntermediateDirectories: true)
        return relative
    }

    /// Renames a finished upload to its object path, replacing the object uploaded before.
    func moveIntoPlace(_ incoming: String, relative: String) throws {
        let destination = absolute(relative)
        let fileManager = FileManager.default
        try fileManager.createDirectory(
            atPath: String(destination[..<(destination.lastIndex(of: "/") ?? destination.endIndex)]),
            withIntermediateDirectories: true
        )
        if fileManager.fileExists(atPath: destination) {
            try fileManager.removeItem(atPath: destination)
        }
        try fileManager.moveItem(atPath: incoming, toPath: destination)
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: absolute(relative))
    }

    /// Removes a file or folder if it exists; used on failure paths, where a second error would
    /// only hide the first.
    func removeQuietly(absolute path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// An object name made safe as one file name: `/` (S3 keys use it as a folder separator)
    /// and NUL replaced, and never `.`, `..` or empty.
    private static func fileName(_ objectName: String) -> String {
        let cleaned = String(objectName.map { $0 == "/" || $0 == "\0" ? "_" : $0 })
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "object" : cleaned
    }

    private static func join(_ base: String, _ component: String) -> String {
        guard !component.isEmpty else { return base }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }
}

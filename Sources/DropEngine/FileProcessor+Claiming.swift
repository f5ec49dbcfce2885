import DropFormats
import Foundation
import Logging
import OpenlayerAPI

/// Step 1 of a file's life: out of the inbox (or copied, for `upload`) into the processing
/// folder, journaled as queued; and, at start-up, what an earlier run left there.
extension FileProcessor {
    /// Moves a finished file out of the inbox into the processing folder and journals it.
    /// Returns nil when the file is already gone.
    public func claim(_ inboxPath: String, kind: FileKind) throws -> JournalFile? {
        guard let stamp = try? FileStamp(path: inboxPath) else { return nil }
        let name = URL(fileURLWithPath: inboxPath).lastPathComponent
        let claimed: String
        do {
            claimed = try NoOverwriteMove.move(inboxPath, into: kind.path(under: directories.processing, pipeline: pipeline), name: name)
        } catch EngineError.moveFailed(_, _, let code) where code == ENOENT {
            return nil
        }
        return try journal.claim(pipeline: pipeline, kind: kind, name: name, claimedPath: claimed, size: stamp.size, at: Date())
    }

    /// Claims a copy of a file anywhere on disk (for `openlayer-drop upload`): the original
    /// stays where it is; the copy keeps its modification time, the default timestamp of rows.
    /// A symbolic link given here is followed (the user named it), and the copy keeps the
    /// link's name; the copy is what is read.
    public func claimCopy(of path: String, kind: FileKind) throws -> JournalFile {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let source = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let folder = kind.path(under: directories.processing, pipeline: pipeline)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let staging = folder + "/.copy-" + UUID().uuidString
        do {
            try ParallelFileCopy.copy(from: source, to: staging, threads: settings.workers)
        } catch {
            unlink(staging)
            throw error
        }
        if let modified = try FileManager.default.attributesOfItem(atPath: source)[.modificationDate] as? Date {
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: staging)
        }
        let claimed = try NoOverwriteMove.move(staging, into: folder, name: name)
        return try journal.claim(pipeline: pipeline, kind: kind, name: name, claimedPath: claimed, size: try FileStamp(path: claimed).size, at: Date())
    }

    /// Files an earlier run left in the processing folders, oldest first, with their journal
    /// entries (a file claimed just before a crash may have none yet).
    public func leftovers() throws -> [JournalFile] {
        var entries: [JournalFile] = []
        for kind in FileKind.allCases {
            let folder = kind.path(under: directories.processing, pipeline: pipeline)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }
            for name in names {
                let path = folder + "/" + name
                // Anything but a directory (the kinds' own folders): a link or a FIFO is refused
                // when it is processed, not left behind.
                guard let stamp = try? FileStamp(path: path), EntryType(path: path) != .directory else { continue }
                if let entry = try journal.unfinishedFile(claimedPath: path) {
                    entries.append(entry)
                } else {
                    entries.append(try journal.claim(pipeline: pipeline, kind: kind, name: name, claimedPath: path, size: stamp.size, at: Date()))
                }
            }
        }
        // A file moved to the archive or rejected/ just before a crash, its journal entry not
        // yet finished: no longer in a processing folder, but still in work.
        let found = Set(entries.compactMap(\.id))
        for entry in try journal.unfinishedFiles(pipeline: pipeline) where entry.id.map(found.contains) == false {
            if FileIdentity(path: entry.claimedPath) == nil { entries.append(entry) }
        }
        return entries.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }
}

import Foundation

/// Moves a journaled file to its end — the archive or `rejected/` — so that a crash at any
/// moment leaves what the next start needs to finish the move, and never a second copy.
///
/// The destination is journaled (`JournalFile.finalPath`) before the file moves. After a crash
/// the file is then in one of three places, which `currentLocation` tells apart: still at its
/// claimed path (the move is done again, to the same destination if still free), at the
/// destination (the sidecar and the journal are finished from there), or under both names,
/// between the link and the unlink (the claimed name is dropped).
struct JournaledPlacement {
    let journal: Journal
    let archivist: Archivist

    /// Where the file is now: its claimed path, or its journaled destination once it was moved
    /// there. Both names of one file (a crash between the link and the unlink) become one.
    static func currentLocation(of file: JournalFile) -> String {
        guard let destination = file.finalPath else { return file.claimedPath }
        switch (FileIdentity(path: file.claimedPath), FileIdentity(path: destination)) {
        case (let claimed?, let placed?) where claimed == placed:
            unlink(file.claimedPath)
            return destination
        case (nil, _?):
            return destination
        default:
            return file.claimedPath
        }
    }

    /// Moves the file at `location` into `folder`, where its `sidecar` (receipt, report) will
    /// go beside it, and returns its new path, journaled as `finalPath`. A destination journaled
    /// earlier under `root` is kept while free; a file already there (moved before a restart)
    /// stays where it is.
    func place(
        _ file: inout JournalFile, from location: String, in folder: String, root: String, sidecar: String, linked: CrashPoint? = nil
    ) throws -> String {
        if let reserved = file.finalPath, reserved == location { return reserved }
        var keepsReservation = file.finalPath.map { $0.hasPrefix(root + "/") && archivist.isFree($0, sidecar: sidecar) } ?? false
        while true {
            if !keepsReservation {
                let name = file.name
                try journal.reserveFinalPath(&file) { isReserved in
                    try archivist.freePath(in: folder, name: name, sidecar: sidecar, isReserved: isReserved)
                }
            }
            guard let destination = file.finalPath else { throw EngineError.journal("\(file.name): no destination reserved") }
            if try archivist.move(location, to: destination, linked: linked) { return destination }
            keepsReservation = false
        }
    }
}

/// The device and inode of a directory entry (not followed): two names with the same identity
/// are one file.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

import DropFormats

#if canImport(Glibc)
import Glibc
#endif

/// What a claimed name is, seen with `lstat`, never followed: only a regular file with one name
/// is read. Anything else is refused, and the entry itself is moved to `rejected/`: a symbolic
/// link's target, a FIFO's writer, a hard link's other name are never touched.
///
/// Checked once the entry is in the processing folder, which no one else writes to: a name
/// swapped in the inbox while the file waited in line is caught here, and cannot be swapped again
/// before it is read (the readers refuse links and anything not regular on their own as well:
/// `RegularFile`).
enum DroppedEntry: Equatable {
    case regularFile
    case missing
    /// Not taken: why, for the report.
    case refused(String)

    init(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            self = .missing
            return
        }
        let type = EntryType(mode: info.st_mode)
        switch type {
        case .regularFile where info.st_nlink > 1:
            self = .refused(
                "a hard link (\(info.st_nlink) names share its data): a file that is also elsewhere is not taken, since publishing and archiving it would touch the other copy; drop a copy of it instead")
        case .regularFile:
            self = .regularFile
        case .symbolicLink:
            self = .refused("a symbolic link, not a file: links are not followed, so its target was not read; drop the file itself")
        default:
            self = .refused("\(type.description), not a regular file: it was not read; drop a regular file")
        }
    }
}

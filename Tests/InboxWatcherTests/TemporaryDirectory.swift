import Foundation
import Glibc

/// A fresh directory under /tmp, removed by `remove()`. Files are written with plain
/// open/write/close so the test controls exactly which inotify events happen (Foundation's
/// writers may go through a temporary file and a rename).
struct TemporaryDirectory {
    let path: String

    init(_ label: String = "inbox") throws {
        var template = Array("/tmp/inboxwatcher-\(label)-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        path = String(cString: created)
    }

    func url(_ relative: String) -> String { path + "/" + relative }

    @discardableResult
    func write(_ relative: String, _ contents: String = "a,b\n1,2\n") throws -> String {
        let target = url(relative)
        let fd = open(target, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let written = contents.utf8CString.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
        guard written == contents.utf8.count else { throw POSIXError(.EIO) }
        return target
    }

    @discardableResult
    func makeDirectory(_ relative: String) throws -> String {
        let target = url(relative)
        guard mkdir(target, 0o755) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return target
    }

    func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

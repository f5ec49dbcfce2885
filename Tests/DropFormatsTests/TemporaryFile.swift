import Foundation

/// A file in a fresh temporary directory, removed when the test is done with it.
final class TemporaryFile {
    let directory: URL
    let path: String

    init(_ bytes: [UInt8], name: String = "drop.txt") throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dropformats-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        path = url.path
    }

    convenience init(_ text: String, name: String = "drop.txt") throws {
        try self.init(Array(text.utf8), name: name)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}

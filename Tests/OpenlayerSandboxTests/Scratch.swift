import Foundation
import Testing

/// A fresh directory for one test's files, removed when the test lets go of it.
final class Scratch: Sendable {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "openlayer-sandbox-scratch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String {
        directory + "/" + name
    }

    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        let path = path(name)
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func read(_ name: String) throws -> [UInt8] {
        try Array(Data(contentsOf: URL(fileURLWithPath: path(name))))
    }
}

/// Runs command-line tools for test fixtures made by the reference implementations: `tar -czf`
/// for tarballs, pyarrow for Arrow streams.
enum ExternalTool {
    /// The project's Python with pyarrow (`.venv` at the package root, made by
    /// `scripts/test-deps.sh`).
    static let python = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".venv/bin/python3").path

    /// Runs `arguments` through `/usr/bin/env` (so `tar` comes from PATH) and fails the test,
    /// with the tool's output, unless it exits 0.
    static func run(_ arguments: [String], in directory: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        try #require(process.terminationStatus == 0, "\(arguments.joined(separator: " ")): \(text)")
    }

    /// Runs a pyarrow script with `arguments` as `sys.argv[1...]`; a missing venv fails the
    /// test, since checking against pyarrow's own files is the point.
    static func pyarrow(_ script: String, _ arguments: [String]) throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no Python with pyarrow at \(python): run scripts/test-deps.sh"
        )
        try run([python, "-c", script] + arguments)
    }
}

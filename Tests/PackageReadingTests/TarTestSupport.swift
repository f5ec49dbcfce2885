import DropFormats
import Foundation
import PackageReading
import Testing

/// A fresh directory for one archive test, removed when the test is done with it.
final class TarScratch {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "dropformats-tar-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String {
        directory + "/" + name
    }

    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let path = path(name)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func read(_ name: String) throws -> [UInt8] {
        try Array(Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: path(name))
    }
}

/// What a command-line tool said: its exit status and its stdout and stderr together.
struct ToolResult {
    var status: Int32
    var output: String
}

/// Runs `arguments` through /usr/bin/env (so `tar`, `gzip`, `sh` come from PATH) and waits.
@discardableResult
func runTool(_ arguments: [String]) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ToolResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

/// The system Python 3 (its tarfile module is what Openlayer's SDK uses).
let systemPython = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

/// Decompresses `archive` with gzip(1) and returns the tar bytes.
func gunzipWithTool(_ archive: String, scratch: TarScratch) throws -> [UInt8] {
    let name = "gunzipped-\(UUID().uuidString).tar"
    let result = try runTool(["sh", "-c", "gzip -dc \"$0\" > \"$1\"", archive, scratch.path(name)])
    #expect(result.status == 0, "gzip -dc: \(result.output)")
    return try scratch.read(name)
}

/// Compresses tar bytes with gzip(1) into `name`, returning its path.
func gzipWithTool(_ tar: [UInt8], to name: String, scratch: TarScratch) throws -> String {
    let plain = try scratch.write(tar, to: name + ".plain")
    let result = try runTool(["sh", "-c", "gzip -nc \"$0\" > \"$1\"", plain, scratch.path(name)])
    #expect(result.status == 0, "gzip -c: \(result.output)")
    return scratch.path(name)
}

/// Deterministic CSV-like text of at least `minimumBytes`, varied enough that deflate has
/// real work and a misplaced chunk would show.
func sampleCSV(minimumBytes: Int) -> [UInt8] {
    var bytes = Array("id,score,label\n".utf8)
    bytes.reserveCapacity(minimumBytes + 64)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var row = 0
    while bytes.count < minimumBytes {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes += Array("\(row),\(state >> 40),label-\(state % 97)\n".utf8)
        row += 1
    }
    return bytes
}

/// Every entry of an archive as TarGzReader sees it, with the contents of the files.
func readAll(_ path: String, limit: Int = 64 << 20) throws -> [(entry: TarEntry, contents: [UInt8])] {
    let reader = try TarGzReader(path: path)
    var entries: [(entry: TarEntry, contents: [UInt8])] = []
    while let entry = try reader.next() {
        entries.append((entry, try reader.readContents(limit: limit)))
    }
    return entries
}

/// The `ArchiveError.Kind` that `body` throws, or nil if it throws something else or nothing.
func archiveErrorKind(_ body: () throws -> Void) -> ArchiveError.Kind? {
    do {
        try body()
        return nil
    } catch let error as ArchiveError {
        return error.kind
    } catch {
        return nil
    }
}

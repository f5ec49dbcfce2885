import Foundation
import Testing

/// The fuzz harnesses replay their seed corpus (and every crash the fuzzer found, kept there as
/// a regression): each input read to its end or refused, none crashing the reader.
@Suite("The fuzz harnesses' seed corpus replays without a crash")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus").path

    @Test(arguments: ["csv", "csvgz", "jsonl", "json", "config", "arrow"])
    func replay(target: String) throws {
        let folder = Self.corpus + "/" + target
        let inputs = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { folder + "/" + $0 }
        #expect(inputs.count >= 4)
        let output = Pipe()
        let child = try ChildProcess("drop-fuzz", arguments: [target] + inputs, stdout: output, stderr: output)
        child.process.waitUntilExit()
        let status = child.process.terminationStatus
        let text = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(status == 0, "\(text)")
        #expect(text.contains("\(inputs.count) inputs, no crash"))
    }
}

import DropJSON
import Foundation
import Testing

/// `watch --log-format json`: every line a log shipper reads is one JSON object.
@Suite("JSON log lines of the real binary", .serialized, .timeLimit(.minutes(3)))
struct JSONLogTests {
    @Test("Every stderr line is a JSON object with time, level, label, message and the metadata as fields; control characters stay inside it; no key")
    func everyLineIsJSON() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher(arguments: ["--log-format", "json"])
        try workspace.dropByRename("valid.csv", PublishingTests.predictionsCSV)
        // A name with a line feed, which a text log would show as a second line.
        try workspace.dropByRename("forged\n2026-01-01 critical openlayer-drop: fake.csv", "amount,hour\n1,2\n")
        try await eventually("the receipt and the rejection\n\(workspace.log)") {
            workspace.receipts()["valid.csv"] != nil && workspace.files(in: workspace.rejected).contains { $0.hasSuffix(".rejection.txt") }
        }
        workspace.stopWatcher()

        let lines = workspace.log.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count > 5)
        var objects: [JSONObject] = []
        for line in lines {
            guard case .object(let object)? = try? JSONParser.parse(Array(line.utf8)) else {
                Issue.record("not a JSON object: \(line)"); continue
            }
            #expect(Array(object.keys.prefix(4)) == ["time", "level", "label", "message"], "\(line)")
            if case .string(let time)? = object["time"] {
                #expect((try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(time)) != nil, "\(time)")
            } else {
                Issue.record("no time: \(line)")
            }
            #expect(object["label"] == .string("openlayer-drop"))
            objects.append(object)
        }
        let published = try #require(objects.first { $0["message"] == .string("published") })
        #expect(published["pipeline"] == .string("fraud"))
        #expect(published["file"] == .string("valid.csv"))
        #expect(published["level"] == .string("info"))
        #expect(objects.contains { object in
            if case .string(let file)? = object["file"] { file.hasPrefix("forged\n2026") } else { false }
        })
        #expect(!workspace.log.contains(sandbox.apiKey))
    }

    @Test("With --log-format json, a config that cannot be loaded is said in one JSON line too, and the exit is 78")
    func invalidConfigAsJSON() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try Data("pipelines:\n  fraud: {project: 7}\n".utf8).write(to: URL(fileURLWithPath: workspace.configPath))
        try await workspace.startWatcher(waitUntilWatching: false, arguments: ["--log-format", "json"])
        let status = try await eventuallyFound("the watcher to exit\n\(workspace.log)") { () -> Int32? in
            workspace.watcher?.isRunning == false ? workspace.stopWatcher() : nil
        }
        #expect(status == 78)
        let lines = workspace.log.split(separator: "\n")
        #expect(lines.count == 1, "\(workspace.log)")
        guard let line = lines.first, case .object(let object)? = try? JSONParser.parse(Array(line.utf8)) else {
            Issue.record("not a JSON object: \(workspace.log)"); return
        }
        #expect(object["level"] == .string("critical"))
        #expect(object["message"] == .string("invalid config"))
        #expect(object["config"] == .string(workspace.configPath))
        guard case .string(let error)? = object["error"] else { Issue.record("no error field: \(line)"); return }
        #expect(error.contains("pipelines.fraud"), "\(error)")
    }
}

import DropJSON
import Foundation
import Testing

/// The commands for people, run as the built binary with their output checked.
@Suite("openlayer-drop commands", .serialized)
struct CommandTests {
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let output = Pipe()
        let errors = Pipe()
        let child = try ChildProcess("openlayer-drop", arguments: arguments, environment: environment, stdout: output, stderr: errors)
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        child.process.waitUntilExit()
        return Run(status: child.process.terminationStatus, output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
    }

    /// A workspace's config, without a sandbox (these commands send nothing).
    static func config() throws -> (directory: String, config: String) {
        let directory = NSTemporaryDirectory() + "openlayer-drop-cmd-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/config.yaml"
        try Data("""
            baseURL: http://127.0.0.1:9/v1
            pipelines:
              fraud:
                project: Fraud
                taskType: tabular-classification
                inferencePipeline: production
                dataConfig:
                  classNames: [legit, fraud]
                  featureNames: [amount, merchant]
                  categoricalFeatureNames: [merchant]
                  predictionsColumnName: prediction
                  predictionScoresColumnName: scores
                  timestampColumnName: timestamp
            """.utf8).write(to: URL(fileURLWithPath: config))
        return (directory, config)
    }

    @Test("check-config: 0 when usable, 78 with the key's path when not, and the key never printed")
    func checkConfig() throws {
        let (directory, config) = try Self.config()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ok = try Self.run(["check-config", "--config", config], environment: ["OPENLAYER_API_KEY": "sk-secret-123"])
        #expect(ok.status == 0)
        #expect(ok.output.contains("ok — 1 pipeline (fraud)"))
        #expect(ok.output.contains("key from OPENLAYER_API_KEY"))
        #expect(!(ok.output + ok.errors).contains("sk-secret-123"))

        let noKey = try Self.run(["check-config", "--config", config])
        #expect(noKey.status == 78)
        #expect(noKey.errors.contains("apiKeyFile: no API key: set OPENLAYER_API_KEY"))

        let broken = directory + "/broken.yaml"
        try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "classNames: [legit, fraud]", with: "classNames: legit")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let bad = try Self.run(["check-config", "--config", broken], environment: ["OPENLAYER_API_KEY": "k"])
        #expect(bad.status == 78)
        #expect(bad.errors.contains("pipelines.fraud.dataConfig.classNames: expected a list"))
        #expect(!bad.errors.contains("Usage"))
    }

    @Test("validate: 0 for a clean file, 1 with a grouped report naming line, column and hint")
    func validate() throws {
        let (directory, config) = try Self.config()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clean = directory + "/clean.csv"
        try "amount,merchant,prediction,scores\n1.5,fuel,0,\"[0.9, 0.1]\"\n".write(toFile: clean, atomically: true, encoding: .utf8)
        let ok = try Self.run(["validate", clean, "--pipeline", "fraud", "--config", config])
        #expect(ok.status == 0)
        #expect(ok.output.contains("clean.csv: ok, 1 rows for pipeline 'fraud'"))

        var text = "amount,merchant,prediction,scores,timestamp\n"
        for index in 1...30 { text += "\(index).5,m,0,\"[0.5, 0.5]\",1795651200\n" }
        text += "oops,m,0,\"[0.5, 0.5]\",1795651200\n"
        text += "2,m,0,\"[0.5, 0.5]\",1795651200000\n"
        let dirty = directory + "/dirty.csv"
        try text.write(toFile: dirty, atomically: true, encoding: .utf8)
        let report = try Self.run(["validate", dirty, "--pipeline", "fraud", "--config", config])
        #expect(report.status == 1)
        #expect(report.output.contains("2 of 32 rows would be set aside in rejected/"))
        #expect(report.output.contains("1× column 'amount': expected a number"))
        #expect(report.output.contains("dirty.csv:32:1: found 'oops'"))
        #expect(report.output.contains("1× column 'timestamp': expected a timestamp in UNIX seconds, like 1764115200 — this looks like milliseconds: divide by 1000"))
        #expect(report.output.contains("dirty.csv:33:5: found '1795651200000'"))

        let machine = try Self.run(["validate", dirty, "--pipeline", "fraud", "--config", config, "--json"])
        #expect(machine.status == 1)
        guard case .object(let result) = try JSONParser.parse(machine.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            Issue.record("not JSON: \(machine.output)"); return
        }
        #expect(result["verdict"] == .string("partly"))
        #expect(result["invalidRows"] == .integer(2))

        let unknown = try Self.run(["validate", dirty, "--pipeline", "nope", "--config", config])
        #expect(unknown.status != 0)
        #expect(unknown.errors.contains("no pipeline 'nope'"))
    }
}

extension CommandTests {
    @Test("init guesses a config from a sample that check-config accepts")
    func initFromSample() throws {
        let directory = NSTemporaryDirectory() + "openlayer-drop-init-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sample = directory + "/sample.csv"
        try """
            request_id,amount,merchant,hour,event_time,prediction,scores,label
            r1,12.5,fuel,3,1795651200,0,"[0.9, 0.05, 0.05]",0
            r2,80,food,23,1795651260,2,"[0.1, 0.1, 0.8]",2
            """.write(toFile: sample, atomically: true, encoding: .utf8)
        let config = directory + "/config.yaml"
        let made = try Self.run(["init", "--from", sample, "--pipeline", "fraud", "--output", config])
        #expect(made.status == 0)
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(text.contains("taskType: tabular-classification"))
        #expect(text.contains("classNames: [class_0, class_1, class_2]"))
        #expect(text.contains("featureNames: [amount, merchant, hour]"))
        #expect(text.contains("categoricalFeatureNames: [merchant]"))
        #expect(text.contains("predictionScoresColumnName: scores"))
        #expect(text.contains("inferenceIdColumnName: request_id"))
        #expect(text.contains("timestampColumnName: event_time"))
        let check = try Self.run(["check-config", "--config", config], environment: ["OPENLAYER_API_KEY": "k"])
        #expect(check.status == 0, "\(check.errors)")
        // Never overwrites.
        #expect(try Self.run(["init", "--from", sample, "--output", config]).status != 0)
    }

    @Test("upload publishes one file with the service's semantics; status shows it")
    func uploadAndStatus() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        let source = workspace.root + "/outside.csv"
        try DeliveryTests.csv(rows: 12, bad: [5]).write(toFile: source, atomically: true, encoding: .utf8)
        let environment = ["OPENLAYER_API_KEY": sandbox.apiKey]
        let upload = try Self.run(["upload", source, "--pipeline", "fraud", "--config", workspace.configPath], environment: environment)
        #expect(upload.status == 0, "\(upload.errors)")
        #expect(upload.output.contains("published 11 of 12 rows"))
        #expect(upload.output.contains("1 rows set aside"))
        #expect(FileManager.default.fileExists(atPath: source))
        #expect(workspace.receipts()["outside.csv"]?["rowsRejected"] == .integer(1))

        let status = try Self.run(["status", "--config", workspace.configPath, "--json"])
        #expect(status.status == 0)
        guard case .array(let items) = try JSONParser.parse(status.output), case .object(let fraud)? = items.first else {
            Issue.record("status said: \(status.output)"); return
        }
        #expect(fraud["publishedToday"] == .integer(1))
        #expect(fraud["rowsPublishedToday"] == .integer(11))

        // While a service runs and is paused by a refused key, status says so with the reason.
        try await workspace.startWatcher()
        try await sandbox.setFaults(#"{"unauthorized": true}"#)
        try workspace.dropByRename("held.csv", DeliveryTests.csv(rows: 2))
        try await eventually("the pause\n\(workspace.log)") { workspace.log.contains("the API key is refused") }
        let paused = try Self.run(["status", "--config", workspace.configPath])
        #expect(paused.output.contains("fraud: paused — "))
        #expect(paused.output.contains("answered 401"))
        #expect(paused.output.contains("next attempt"))
        try await sandbox.setFaults("{}")
    }
}

extension CommandTests {
    @Test("Every command explains itself with an example", arguments: ["watch", "validate", "upload", "status", "init", "check-config"])
    func help(_ command: String) throws {
        let help = try Self.run([command, "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("USAGE: openlayer-drop \(command)"))
        #expect(help.output.contains("Example"))
        #expect(help.output.contains("openlayer-drop \(command) "))
    }
}

extension CommandTests {
    @Test("status counts as waiting what the watcher would take, no writer's scratch file, whatever its case")
    func waitingFiles() throws {
        let (directory, config) = try Self.config()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Relative directories are under the config's folder.
        let inbox = directory + "/inbox/fraud"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        for name in ["a.csv", "b.CSV.TMP", ".c.csv", "d.csv.part", "e.jsonl.Swp"] {
            #expect(FileManager.default.createFile(atPath: inbox + "/" + name, contents: Data("x".utf8)))
        }
        let status = try Self.run(["status", "--config", config, "--json"])
        guard case .array(let items) = try JSONParser.parse(status.output), case .object(let fraud)? = items.first else {
            Issue.record("status said: \(status.output) \(status.errors)"); return
        }
        #expect(fraud["waiting"] == .integer(1))
    }

    @Test("status --watch reports again every interval, one JSON array per line with --json, and sees a file arrive")
    func watchRefreshes() async throws {
        let (directory, config) = try Self.config()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inbox = directory + "/inbox/fraud"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let output = Pipe()
        let child = try ChildProcess("openlayer-drop", arguments: ["status", "--config", config, "--json", "--watch", "--interval", "0.1"], stdout: output)
        try await Task.sleep(for: .milliseconds(600))
        #expect(FileManager.default.createFile(atPath: inbox + "/a.csv", contents: Data("x".utf8)))
        try await Task.sleep(for: .milliseconds(600))
        child.stop(grace: 2)
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        let waiting = try lines.map { line -> JSONValue? in
            guard case .array(let items) = try JSONParser.parse(String(line)), case .object(let fraud)? = items.first else { return nil }
            return fraud["waiting"]
        }
        #expect(lines.count >= 4, "\(lines.count) reports in 1.2 s at 0.1 s intervals")
        #expect(waiting.first == .integer(0) && waiting.last == .integer(1))
    }

    @Test("The binary writes its own shell completions, naming every command", arguments: ["bash", "zsh", "fish"])
    func completions(shell: String) throws {
        let run = try Self.run(["--generate-completion-script", shell])
        #expect(run.status == 0, "\(run.errors)")
        for command in ["watch", "upload", "status", "validate", "check-config", "init"] { #expect(run.output.contains(command), "\(shell): \(command)") }
    }
}

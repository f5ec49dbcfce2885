import DropFormats
import Foundation
import Testing

/// The inbox is an open door: what is dropped there is never followed out of it, never blocks a
/// pipeline, and is refused with a reason when it is not a plain file.
@Suite("A hostile inbox, through the real binaries", .serialized, .timeLimit(.minutes(3)))
struct HostileInboxTests {
    static let validCSV = "amount,merchant,hour,prediction,scores\n12.5,corner shop,3,0,\"[0.9, 0.1]\"\n"
    static let secretCSV = "amount,merchant,hour,prediction,scores\n1.0,secret,1,1,\"[0.2, 0.8]\"\n"

    static func entryType(_ path: String) -> EntryType? {
        var info = stat()
        return lstat(path, &info) == 0 ? EntryType(mode: info.st_mode) : nil
    }

    static func report(_ workspace: DropWorkspace, _ name: String) throws -> String {
        try String(contentsOfFile: workspace.rejected + "/" + name + ".rejection.txt", encoding: .utf8)
    }

    @Test("A link swapped in for a file waiting to settle is refused: the link itself is moved, its target never read")
    func linkSwappedInWhileQueued() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        var service = DropWorkspace.quickService
        service[0] = "settleSeconds: 2"
        let workspace = try DropWorkspace(sandbox: sandbox, serviceSettings: service)
        defer { workspace.remove() }
        let outside = NSTemporaryDirectory() + "outside-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let secret = outside + "/secret.csv"
        try Self.secretCSV.write(toFile: secret, atomically: true, encoding: .utf8)
        try await workspace.startWatcher()

        // Written in place, so it waits to settle; meanwhile its name becomes a link.
        try await workspace.dropInPlace("s.csv", Self.validCSV)
        #expect(symlink(secret, workspace.inbox + "/.l.tmp") == 0)
        #expect(rename(workspace.inbox + "/.l.tmp", workspace.inbox + "/s.csv") == 0)

        try await eventually("a report for s.csv\n\(workspace.log)") {
            FileManager.default.fileExists(atPath: workspace.rejected + "/s.csv.rejection.txt")
        }
        #expect(Self.entryType(workspace.rejected + "/s.csv") == .symbolicLink)
        let report = try Self.report(workspace, "s.csv")
        #expect(report.contains("a symbolic link, not a file"))
        #expect(!report.contains("sha256"), "nothing of the target is read, not even its hash:\n\(report)")
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == Self.secretCSV)
        #expect(try await sandbox.dataRequests().isEmpty)

        // The pipeline goes on.
        try workspace.dropByRename("after.csv", Self.validCSV)
        try await eventually("after.csv published\n\(workspace.log)") { workspace.receipts()["after.csv"] != nil }
        #expect(try await sandbox.rows(pipelineId: DeliveryTests.pipelineId(workspace, "after.csv")).count == 1)
    }

    @Test("A FIFO, a hard link and a link to a folder are refused at once; the pipeline is never blocked")
    func otherEntriesAreRefused() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        let outside = NSTemporaryDirectory() + "outside-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside + "/folder", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let shared = outside + "/shared.csv"
        try Self.secretCSV.write(toFile: shared, atomically: true, encoding: .utf8)
        try Self.secretCSV.write(toFile: outside + "/folder/inner.csv", atomically: true, encoding: .utf8)
        try await workspace.startWatcher()

        #expect(mkfifo(workspace.inbox + "/pipe.csv", 0o600) == 0)
        #expect(link(shared, workspace.inbox + "/.h.tmp") == 0)
        #expect(rename(workspace.inbox + "/.h.tmp", workspace.inbox + "/hard.csv") == 0)
        #expect(symlink(outside + "/folder", workspace.inbox + "/folder-link") == 0)
        try workspace.dropByRename("after.csv", Self.validCSV)

        try await eventually("three reports and after.csv published\n\(workspace.log)") {
            workspace.files(in: workspace.rejected).filter { $0.hasSuffix(".rejection.txt") }.count == 3
                && workspace.receipts()["after.csv"] != nil
        }
        #expect(Self.entryType(workspace.rejected + "/pipe.csv") == .fifo)
        #expect(try Self.report(workspace, "pipe.csv").contains("a FIFO (named pipe), not a regular file"))
        #expect(try Self.report(workspace, "hard.csv").contains("a hard link"))
        #expect(Self.entryType(workspace.rejected + "/folder-link") == .symbolicLink)
        #expect(try Self.report(workspace, "folder-link").contains("a symbolic link"))
        #expect(FileManager.default.fileExists(atPath: outside + "/folder/inner.csv"))
        #expect(try String(contentsOfFile: shared, encoding: .utf8) == Self.secretCSV)
        let merchants = try await sandbox.rows(pipelineId: DeliveryTests.pipelineId(workspace, "after.csv")).compactMap { row -> String? in
            if case .string(let merchant)? = row["merchant"] { merchant } else { nil }
        }
        #expect(merchants == ["corner shop"])
        #expect(workspace.waitingFiles.isEmpty)
    }

    @Test("SIGTERM at ten moments of a big file's life exits 0 within shutdownTimeoutSeconds + 1 s each time; nothing is lost")
    func terminatedAtTenMoments() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        var service = DropWorkspace.quickService
        service[1] = "shutdownTimeoutSeconds: 2"
        let workspace = try DropWorkspace(sandbox: sandbox, serviceSettings: service)
        defer { workspace.remove() }
        let rows = 150_000
        try await workspace.startWatcher()
        try workspace.dropByRename("big.csv", DeliveryTests.csv(rows: rows))

        let clock = ContinuousClock()
        for (attempt, delay) in [0, 30, 80, 150, 250, 400, 600, 900, 1300, 1800].enumerated() {
            // Counted from the moment the service has its signal handlers: before that, in its
            // first milliseconds, SIGTERM ends it by the signal, with nothing claimed yet.
            try await eventually("start \(attempt + 1)\n\(workspace.log)") {
                workspace.log.components(separatedBy: "Starting service lifecycle").count - 1 == attempt + 1
            }
            try await Task.sleep(for: .milliseconds(delay))
            let watcher = try #require(workspace.watcher)
            let signalled = clock.now
            watcher.signal(SIGTERM)
            let status = watcher.stop(grace: 10)
            let took = clock.now - signalled
            print("SIGTERM \(attempt + 1), \(delay) ms after the service started: exit \(status) in \(took)")
            #expect(status == 0, "exit status after SIGTERM \(attempt + 1)\n\(workspace.log)")
            #expect(took < .seconds(3), "SIGTERM \(attempt + 1) took \(took)")
            if workspace.receipts()["big.csv"] != nil { break }
            try await workspace.startWatcher()
        }
        #expect(workspace.log.contains("stopped mid-file"), "at least one SIGTERM came while the file was being read or sent")
        if workspace.watcher?.isRunning != true { try await workspace.startWatcher() }
        try await eventually(timeout: .seconds(90), "the receipt\n\(workspace.log)") { workspace.receipts()["big.csv"] != nil }
        let arrived = DeliveryTests.arrivals(try await sandbox.rows(pipelineId: try DeliveryTests.pipelineId(workspace, "big.csv")))
        #expect(arrived.count == rows, "every row arrived")
        #expect(Set(arrived.keys) == Set((1...rows).map { "m\($0)" }))
        print("rows received twice (sent again with the same ids after a stop past the deadline): \(arrived.values.filter { $0 > 1 }.count)")
    }

    @Test("A line feed in a file name is escaped in the log and in the report: no forged line")
    func controlCharactersInNames() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        let name = "evil\ncritical openlayer-drop: forged.csv"
        try workspace.dropByRename(name, "amount,hour\n1,2\n")
        try await eventually("the report\n\(workspace.log)") {
            FileManager.default.fileExists(atPath: workspace.rejected + "/" + name + ".rejection.txt")
        }
        try await eventually("the rejection logged\n\(workspace.log)") { workspace.log.contains("forged.csv") }
        #expect(!workspace.log.split(separator: "\n").contains { $0.hasPrefix("critical openlayer-drop: forged") }, "\(workspace.log)")
        #expect(workspace.log.contains(#"evil\ncritical openlayer-drop: forged.csv"#))
        let report = try Self.report(workspace, name)
        #expect(report.hasPrefix(#"evil\ncritical openlayer-drop: forged.csv was not published"#), "\(report)")
    }

    @Test("The inbox removed and made again is watched again, with one warning; the service never exits")
    func inboxRemovedAndMadeAgain() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        let inboxRoot = workspace.root + "/inbox"

        try FileManager.default.removeItem(atPath: inboxRoot)
        try await eventually("the warning\n\(workspace.log)") { workspace.log.contains("the inbox was removed") }
        try FileManager.default.createDirectory(atPath: inboxRoot, withIntermediateDirectories: false)
        try await eventually("the pipeline folder made again\n\(workspace.log)") { FileManager.default.fileExists(atPath: workspace.inbox) }
        try await eventually("watching again\n\(workspace.log)") {
            workspace.log.components(separatedBy: "watching the inbox").count - 1 == 2
        }
        try workspace.dropByRename("back.csv", Self.validCSV)
        try await eventually("back.csv published\n\(workspace.log)") { workspace.receipts()["back.csv"] != nil }
        #expect(workspace.watcher?.isRunning == true)
        #expect(workspace.log.components(separatedBy: "the inbox was removed").count - 1 == 1)
        #expect(!workspace.log.contains("critical"))
    }

    @Test("The archive, rejected/ and the state are the service user's alone, whatever the umask; so are receipts and reports")
    func outputsArePrivate() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        let previous = umask(0o022)
        defer { umask(previous) }
        try await workspace.startWatcher()
        try workspace.dropByRename("good.csv", Self.validCSV)
        try workspace.dropByRename("bad.csv", "amount\n1\n")
        try await eventually("a receipt and a report\n\(workspace.log)") {
            workspace.receipts()["good.csv"] != nil && FileManager.default.fileExists(atPath: workspace.rejected + "/bad.csv.rejection.txt")
        }
        func mode(_ path: String) -> mode_t {
            var info = stat()
            return lstat(path, &info) == 0 ? info.st_mode & 0o777 : 0
        }
        for folder in ["archive", "rejected", "state"] {
            #expect(mode(workspace.root + "/" + folder) == 0o700, "\(folder)")
        }
        #expect(mode(workspace.rejected + "/bad.csv.rejection.txt") == 0o600)
        let receipts = FileManager.default.enumerator(atPath: workspace.archive)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".receipt.json") } ?? []
        #expect(receipts.count == 1)
        for receipt in receipts { #expect(mode(workspace.archive + "/" + receipt) == 0o600) }
    }

    @Test("A pipeline that cannot be bound holds back neither the watcher nor another pipeline")
    func pipelinesBindIndependently() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox)
        defer { workspace.remove() }
        // A second pipeline, after fraud in name order, naming an inference pipeline that is not there.
        var config = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        config += """

              zz-ghost:
                project: Ghost
                taskType: tabular-classification
                inferencePipelineId: no-such-pipeline
                dataConfig:
            \(DropWorkspace.fraudDataConfig.map { "      " + $0 }.joined(separator: "\n"))

            """
        try config.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        try await workspace.startWatcher()
        try workspace.dropByRename("ready.csv", Self.validCSV)
        try await eventually("ready.csv published while zz-ghost is not bound\n\(workspace.log)") { workspace.receipts()["ready.csv"] != nil }
        #expect(!workspace.log.contains("pipeline=zz-ghost [DropDaemon] pipeline ready"))
    }

    @Test("After an outage longer than the backoff, publishing resumes within seconds of the API's return: it is probed")
    func resumesSoonAfterAnOutage() async throws {
        let database = NSTemporaryDirectory() + "sandbox-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: database) }
        var sandbox = try Sandbox(databasePath: database)
        defer { sandbox.stop() }
        var service = DropWorkspace.quickService
        service[2] = "retry: {initialBackoffSeconds: 30, maxBackoffSeconds: 30, authRetrySeconds: 0.5, localRetrySeconds: 0.5, probeSeconds: 0.5}"
        let workspace = try DropWorkspace(sandbox: sandbox, serviceSettings: service)
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try await eventually("the pipeline bound\n\(workspace.log)") { workspace.log.contains("pipeline ready") }

        sandbox.stop()
        try workspace.dropByRename("late.csv", DeliveryTests.csv(rows: 5))
        try await eventually("a failed attempt\n\(workspace.log)") { workspace.log.contains("cannot reach the server") }
        try await Task.sleep(for: .seconds(1))
        sandbox = try sandbox.restarted()
        let clock = ContinuousClock()
        let back = clock.now
        try await eventually(timeout: .seconds(40), "the receipt\n\(workspace.log)") { workspace.receipts()["late.csv"] != nil }
        let took = clock.now - back
        print("API back to the file published: \(took)")
        #expect(took < .seconds(5), "the backoff is 30 s; a probe every 0.5 s should find the API back within seconds")
    }
}

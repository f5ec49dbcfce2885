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
}

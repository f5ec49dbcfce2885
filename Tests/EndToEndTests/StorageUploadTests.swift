import DropJSON
import Foundation
import Testing

/// Bulk files and reference datasets reach each kind of storage as the official SDK sends them:
/// the sandbox logs the content type of every upload, and the SDK's own `Uploader` uploads to
/// the same sandbox for comparison. A presigned GCS URL is signed with a content type and
/// refuses any other with a 403, so a difference here is an outage there.
@Suite("Uploads as the SDK makes them, for every kind of storage", .serialized, .timeLimit(.minutes(3)))
struct StorageUploadTests {
    static var sdkUpload: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PythonReference/sdk_upload.py").path
    }

    /// Training data: features and labels, no predictions or scores.
    static let reference = """
        amount,merchant,hour,label
        10.5,fuel,1,0
        20,food,2,1

        """

    @Test("An Arrow file and a reference tarball carry the SDK's content type", arguments: ["s3", "gcs", "azure", "local"])
    func contentType(storage: String) async throws {
        let objects = NSTemporaryDirectory() + "sandbox-storage-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: objects, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: objects) }
        let sandbox = try Sandbox(storageDirectory: objects, storage: storage)
        defer { sandbox.stop() }
        let workspace = try DropWorkspace(sandbox: sandbox, pipelineSettings: ["mode: bulk", "storage: \(storage)"])
        defer { workspace.remove() }
        try await workspace.startWatcher()
        try workspace.dropByRename("bulk.csv", SeedFlowTests.predictions)
        try FileManager.default.createDirectory(atPath: workspace.inbox + "/reference", withIntermediateDirectories: true)
        try workspace.dropByRename("reference/training.csv", Self.reference)
        try await eventually("both receipts\n\(workspace.log)") {
            workspace.receipts()["bulk.csv"] != nil && !SeedFlowTests.files(under: workspace.archive + "/reference", suffix: ".receipt.json").isEmpty
        }
        let ours = try await Self.uploads(sandbox)
        #expect(ours.count == 2, "\(ours)")

        // The SDK's Uploader, to a URL of the same sandbox.
        guard case .object(let presigned) = try await sandbox.send("POST", "/storage/presigned-url?objectName=sdk.arrow"),
            case .string(let url)? = presigned["url"]
        else { Issue.record("no presigned URL"); return }
        let fields = presigned["fields"].map { String(decoding: JSONWriter.encode($0), as: UTF8.self) } ?? "{}"
        let arrow = try #require(SeedFlowTests.files(under: objects, suffix: ".arrow").first)
        let output = try SeedFlowTests.run(SeedFlowTests.python, [Self.sdkUpload, storage, url, fields == "null" ? "{}" : fields, arrow, "sdk.arrow"])
        // The last line is the status; the SDK's progress bar comes before it.
        let status = output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(["200", "201", "204"].contains(status), "\(output)")
        let all = try await Self.uploads(sandbox)
        let sdk = try #require(all.last)
        #expect(all.count == 3)
        #expect(sdk.status < 300)
        for upload in ours {
            #expect(upload.contentType == sdk.contentType, "\(storage): ours \(upload.contentType ?? "none"), the SDK's \(sdk.contentType ?? "none")")
            #expect(upload.status < 300)
        }

        // The reference dataset's config names no predictions: the file has none.
        let tarball = try #require(SeedFlowTests.files(under: objects, suffix: ".tar.gz").first)
        let config = try SeedFlowTests.run("/usr/bin/tar", ["-xzOf", tarball, "reference_dataset/dataset_config.yaml"])
        #expect(!config.contains("predictionsColumnName") && !config.contains("predictionScoresColumnName"))
        #expect(config.contains("labelColumnName: \"label\"") || config.contains("labelColumnName: label"), "\(config)")
        let dataset = try SeedFlowTests.run("/usr/bin/tar", ["-xzOf", tarball, "reference_dataset/dataset.csv"])
        #expect(dataset == Self.reference)
    }

    struct Upload {
        var status: Int
        var contentType: String?
    }

    /// The uploads the sandbox logged, in order.
    static func uploads(_ sandbox: Sandbox) async throws -> [Upload] {
        try await sandbox.dataRequests().compactMap { entry in
            guard entry["kind"] == .string("upload"), case .integer(let status)? = entry["status"] else { return nil }
            if case .string(let type)? = entry["contentType"] { return Upload(status: Int(status), contentType: type) }
            return Upload(status: Int(status), contentType: nil)
        }
    }
}

import DropFormats
import Foundation
import OpenlayerSandbox
import Testing

/// Uploads to presigned URLs, each storage kind with its own protocol, checked as the real
/// storage checks it; what arrives is streamed to the storage directory.
@Suite struct UploadTests {
    /// Bytes that hold what could confuse a multipart parser: line breaks, dashes, and the start
    /// of the test form's boundary.
    static let awkwardBytes: [UInt8] = {
        var bytes: [UInt8] = []
        for index in 0..<50_000 {
            bytes.append(UInt8(truncatingIfNeeded: index &* 31 &+ 7))
            if index % 997 == 0 { bytes += Array("\r\n--sandbox-test-boundary-8f3a".utf8) }
        }
        return bytes
    }()

    /// The file the sandbox keeps for an upload URL.
    static func storedFile(_ client: SandboxClient, _ presigned: SandboxClient.Presigned, _ name: String) -> String {
        "\(client.storageDirectory)/objects/\(presigned.url.split(separator: "/").last ?? "")/\(name)"
    }

    @Test func s3FormWithFieldsFirstAndFileLastIsStored() async throws {
        try await SandboxHarness.withSandbox(storage: .s3) { client in
            let presigned = try await client.presign("batch.arrow")
            let reply = try await client.upload(Self.awkwardBytes, to: presigned, storage: .s3, fileName: "batch.arrow")
            #expect(reply.status == 204, "\(reply.text)")
            let stored = try Data(contentsOf: URL(fileURLWithPath: Self.storedFile(client, presigned, "batch.arrow")))
            #expect(Array(stored) == Self.awkwardBytes)

            let log = try await client.loggedRequests()
            try #require(log.count == 1)
            #expect(log[0].at("kind") == .string("upload"))
            #expect(log[0].at("status") == .integer(204))
            #expect(log[0].at("bytes") == .integer(Int64(Self.awkwardBytes.count)))
            #expect(log[0].at("storageUri") == .string(presigned.storageUri))
            #expect(log[0].at("pipelineId") == .null)
        }
    }

    @Test func s3FormWithFileNotLastIsRefusedAndStoresNothing() async throws {
        try await SandboxHarness.withSandbox(storage: .s3) { client in
            let presigned = try await client.presign("batch.arrow")
            var form = MultipartForm()
            for (name, value) in presigned.fields.dropLast() { form.field(name, value) }
            form.file(fileName: "batch.arrow", Self.awkwardBytes)
            form.field(presigned.fields.last!.0, presigned.fields.last!.1)
            let reply = try await client.http(
                "POST", presigned.url, headers: [("Content-Type", form.contentType)], body: form.body, key: nil
            )
            #expect(reply.status == 400)
            #expect(try reply.json.at("error")?.string?.contains("x-amz-signature") == true, "\(reply.text)")
            #expect(!FileManager.default.fileExists(atPath: Self.storedFile(client, presigned, "batch.arrow")))
            let incoming = try FileManager.default.contentsOfDirectory(atPath: client.storageDirectory + "/incoming")
            #expect(incoming.isEmpty, "a refused upload leaves no partial file")
            #expect(try await client.loggedRequests().map { $0.at("status") } == [.integer(400)])
        }
    }

    /// Everything in the right order but one field: S3 refuses the form.
    @Test(arguments: ["missing key", "altered signature", "extra field", "field after file"])
    func s3FormThatBreaksThePolicyIsRefused(problem: String) async throws {
        try await SandboxHarness.withSandbox(storage: .s3) { client in
            let presigned = try await client.presign("batch.arrow")
            var form = MultipartForm()
            for (name, value) in presigned.fields {
                switch (problem, name) {
                case ("missing key", "key"): continue
                case ("altered signature", "x-amz-signature"): form.field(name, String(value.reversed()))
                default: form.field(name, value)
                }
            }
            if problem == "extra field" { form.field("acl", "public-read") }
            form.file(fileName: "batch.arrow", [1, 2, 3])
            if problem == "field after file" { form.field("success_action_status", "201") }
            let reply = try await client.http(
                "POST", presigned.url, headers: [("Content-Type", form.contentType)], body: form.body, key: nil
            )
            #expect(reply.status == 400, "\(problem): \(reply.text)")
            #expect(try reply.json.at("error")?.string?.isEmpty == false)
        }
    }

    @Test func localStorageTakesAFormWithJustTheFile() async throws {
        try await SandboxHarness.withSandbox(storage: .local) { client in
            let presigned = try await client.presign("reference.tar.gz")
            let reply = try await client.upload(Self.awkwardBytes, to: presigned, storage: .local, fileName: "x")
            #expect(reply.status == 204, "\(reply.text)")
            let path = Self.storedFile(client, presigned, "reference.tar.gz")
            let stored = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Array(stored) == Self.awkwardBytes)

            var form = MultipartForm()
            form.field("key", "something")
            form.file(fileName: "x", [1])
            let refused = try await client.http(
                "POST", presigned.url, headers: [("Content-Type", form.contentType)], body: form.body, key: nil
            )
            #expect(refused.status == 400, "\(refused.text)")
        }
    }

    @Test func gcsTakesAPutOfTheBytes() async throws {
        try await SandboxHarness.withSandbox(storage: .gcs) { client in
            let presigned = try await client.presign("batch.arrow")
            let reply = try await client.upload(Self.awkwardBytes, to: presigned, storage: .gcs, fileName: "b.arrow")
            #expect(reply.status == 200, "\(reply.text)")
            let stored = try Data(contentsOf: URL(fileURLWithPath: Self.storedFile(client, presigned, "batch.arrow")))
            #expect(Array(stored) == Self.awkwardBytes)

            var form = MultipartForm()
            form.file(fileName: "batch.arrow", [1])
            let post = try await client.http(
                "POST", presigned.url, headers: [("Content-Type", form.contentType)], body: form.body, key: nil
            )
            #expect(post.status == 405, "a GCS signed URL takes a PUT")

            // Signed with the SDK's Content-Type: another is refused as GCS refuses it.
            let again = try await client.presign("batch.arrow")
            let octets = try await client.http(
                "PUT", again.url, headers: [("Content-Type", "application/octet-stream")], body: [1], key: nil
            )
            #expect(octets.status == 403)
            #expect(try octets.json.at("error")?.string?.hasPrefix("SignatureDoesNotMatch") == true)
            let logged = try await client.loggedRequests()
            #expect(logged.map { $0.at("contentType") } == [.string("application/x-gzip"), .null, .null])
        }
    }

    @Test func azureNeedsTheBlobTypeHeader() async throws {
        try await SandboxHarness.withSandbox(storage: .azure) { client in
            let presigned = try await client.presign("batch.arrow")
            let bare = try await client.http("PUT", presigned.url, body: [1, 2, 3], key: nil)
            #expect(bare.status == 400)
            #expect(try bare.json.at("error")?.string?.contains("x-ms-blob-type") == true)
            #expect(!FileManager.default.fileExists(atPath: Self.storedFile(client, presigned, "batch.arrow")))

            let reply = try await client.upload(Self.awkwardBytes, to: presigned, storage: .azure, fileName: "b.arrow")
            #expect(reply.status == 201, "\(reply.text)")
            let stored = try Data(contentsOf: URL(fileURLWithPath: Self.storedFile(client, presigned, "batch.arrow")))
            #expect(Array(stored) == Self.awkwardBytes)
            #expect(try await client.loggedRequests().map { $0.at("status") } == [.integer(400), .integer(201)])
        }
    }

    @Test func s3URLRefusesAPut() async throws {
        try await SandboxHarness.withSandbox(storage: .s3) { client in
            let presigned = try await client.presign("batch.arrow")
            let reply = try await client.upload([1, 2], to: presigned, storage: .gcs, fileName: "batch.arrow")
            #expect(reply.status == 405)
        }
    }

    /// Only a presigned upload id is let through without the key, and only as one path segment.
    @Test func unknownUploadIdIsNotFoundAndOtherPathsStillNeedTheKey() async throws {
        try await SandboxHarness.withSandbox(storage: .gcs) { client in
            let unknown = try await client.http("PUT", "/v1/storage/uploads/not-presigned", body: [1], key: nil)
            #expect(unknown.status == 404)
            #expect(try await client.loggedRequests().map { $0.at("status") } == [.integer(404)])
            let deeper = try await client.http("PUT", "/v1/storage/uploads/a/b", body: [1], key: nil)
            #expect(deeper.status == 401)
            let projects = try await client.http("GET", "/v1/storage/uploads/../../projects", key: nil)
            #expect(projects.status == 401)
        }
    }
}

import DropJSON
import Foundation
import Testing

/// `PUT /v1/inference-pipelines/{id}` with the storage URI of an uploaded reference-dataset
/// tarball: unpacked, checked and readable back.
@Suite struct ReferenceDatasetTests {
    static let csv = """
        inference_id,amount,merchant,label
        r1,12.5,fuel,0
        r2,880,"electronics,
        online",1
        r3,4.75,grocery,0

        """
    static let yaml = """
        classNames:
        - legit
        - fraud
        featureNames:
        - amount
        - merchant
        labelColumnName: label
        label: reference

        """

    /// `tar -czf` of a `reference_dataset/` folder holding `files`; `archiveFrom` is what tar is
    /// given: the folder, or `.` from inside its parent (names then start with `./`).
    static func tarball(_ scratch: Scratch, files: [String: String], archiveFrom: String = "reference_dataset")
        throws -> [UInt8]
    {
        for (name, text) in files { try scratch.write(text, to: "src/reference_dataset/\(name)") }
        try ExternalTool.run(["tar", "-czf", scratch.path("reference.tar.gz"), archiveFrom], in: scratch.path("src"))
        return try scratch.read("reference.tar.gz")
    }

    @Test(arguments: ["reference_dataset", "."])
    func tarballIsUnpackedAndReadBack(archiveFrom: String) async throws {
        let scratch = try Scratch()
        let tarball = try Self.tarball(
            scratch, files: ["dataset.csv": Self.csv, "dataset_config.yaml": Self.yaml], archiveFrom: archiveFrom
        )
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let uri = try await client.store(tarball, as: "reference_dataset_1716200000.1_\(id).tar.gz")
            let reply = try await client.http(
                "PUT", "/v1/inference-pipelines/\(id)", json: #"{"referenceDatasetUri": "\#(uri)"}"#
            )
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.json.at("referenceDatasetUri") == .string(uri))

            let listed = try await client.http("GET", "/v1/sandbox/reference-datasets?pipelineId=\(id)").json
            let items = try #require(listed.at("items")?.array)
            try #require(items.count == 1)
            #expect(items[0].at("pipelineId") == .string(id))
            #expect(items[0].at("uri") == .string(uri))
            #expect(items[0].at("rows") == .integer(3), "a quoted line break is inside one record")
            #expect(items[0].at("config") == .string(Self.yaml))
            #expect(
                items[0].at("columns")
                    == .array(["inference_id", "amount", "merchant", "label"].map(JSONValue.string))
            )
            let other = try await client.http("GET", "/v1/sandbox/reference-datasets?pipelineId=other").json
            #expect(other.at("items")?.array?.isEmpty == true)
        }
    }

    @Test(arguments: [
        ("dataset.csv", ["dataset_config.yaml": yaml]),
        ("dataset_config.yaml", ["dataset.csv": csv]),
    ])
    func tarballMissingAFileIsRefused(missing: String, files: [String: String]) async throws {
        let scratch = try Scratch()
        let tarball = try Self.tarball(scratch, files: files)
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let uri = try await client.store(tarball, as: "reference.tar.gz")
            let reply = try await client.http(
                "PUT", "/v1/inference-pipelines/\(id)", json: #"{"referenceDatasetUri": "\#(uri)"}"#
            )
            #expect(reply.status == 400)
            let error = try #require(try reply.json.at("error")?.string)
            #expect(error.contains("reference_dataset/\(missing)"), "\(error)")
            let pipeline = try await client.http("GET", "/v1/inference-pipelines/\(id)").json
            #expect(pipeline.at("referenceDatasetUri") == .null, "a refused dataset changes nothing")
            let listed = try await client.http("GET", "/v1/sandbox/reference-datasets").json
            #expect(listed.at("items")?.array?.isEmpty == true)
            let folders = try FileManager.default.contentsOfDirectory(
                atPath: client.storageDirectory + "/reference-datasets"
            )
            #expect(folders.isEmpty, "nothing unpacked is left behind")
        }
    }

    @Test func uploadThatIsNotATarballOrNotUploadedIsRefused() async throws {
        try await SandboxHarness.withSandbox { client in
            let id = try await client.createPipeline()
            let uri = try await client.store(Array(Self.csv.utf8), as: "reference.tar.gz")
            let notTar = try await client.http(
                "PUT", "/v1/inference-pipelines/\(id)", json: #"{"referenceDatasetUri": "\#(uri)"}"#
            )
            #expect(notTar.status == 400, "\(notTar.text)")
            let presigned = try await client.presign("reference.tar.gz")
            let notUploaded = try await client.http(
                "PUT", "/v1/inference-pipelines/\(id)", json: #"{"referenceDatasetUri": "\#(presigned.storageUri)"}"#
            )
            #expect(notUploaded.status == 400, "\(notUploaded.text)")
            #expect(try notUploaded.json.at("error")?.string?.contains("uploaded") == true)
        }
    }
}

import DropFormats
import OpenlayerSandbox
import Testing

/// `POST /v1/storage/presigned-url`: where the sandbox, being its own storage, takes uploads.
@Suite struct PresignedURLTests {
    static let objectName = "batch_data_1716200000.5_0b1c.arrow"

    @Test(arguments: StorageKind.allCases)
    func answerHasTheShapeOfTheStorageKind(storage: StorageKind) async throws {
        try await SandboxHarness.withSandbox(storage: storage) { client in
            let presigned = try await client.presign(Self.objectName)
            let prefix = "http://127.0.0.1:\(client.port)/v1/storage/uploads/"
            #expect(presigned.url.hasPrefix(prefix), "\(presigned.url)")
            #expect(presigned.url.count > prefix.count)
            #expect(presigned.storageUri.hasPrefix("sandbox://"))
            #expect(presigned.storageUri.hasSuffix("/\(Self.objectName)"))
            if storage == .s3 {
                #expect(
                    presigned.fields.map(\.0)
                        == ["key", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature"]
                )
                let fields = Dictionary(uniqueKeysWithValues: presigned.fields)
                #expect(fields["key"]?.hasSuffix("/\(Self.objectName)") == true)
                #expect(fields["x-amz-signature"]?.count == 64)
                #expect(fields["policy"]?.isEmpty == false)
            } else {
                #expect(presigned.json.at("fields") == nil, "only S3 hands out form fields")
            }
        }
    }

    @Test func everyURLIsNewWithItsOwnSignature() async throws {
        try await SandboxHarness.withSandbox { client in
            let first = try await client.presign(Self.objectName)
            let second = try await client.presign(Self.objectName)
            #expect(first.url != second.url)
            #expect(first.storageUri != second.storageUri)
            let signature = { (presigned: SandboxClient.Presigned) in
                presigned.fields.first { $0.0 == "x-amz-signature" }?.1
            }
            #expect(signature(first) != signature(second))
        }
    }

    @Test func objectNameIsRequiredAndTheKeyToo() async throws {
        try await SandboxHarness.withSandbox { client in
            let missing = try await client.http("POST", "/v1/storage/presigned-url")
            #expect(missing.status == 400)
            #expect(try missing.json.at("error")?.string?.contains("objectName") == true)
            let keyless = try await client.http("POST", "/v1/storage/presigned-url?objectName=x.arrow", key: nil)
            #expect(keyless.status == 401)
        }
    }
}

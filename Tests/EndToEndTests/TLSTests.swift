import Foundation
import Testing

/// HTTPS to a server behind a private CA that also asks for a client certificate: the sandbox
/// with certificates the test makes with `openssl`.
@Suite("HTTPS with a private CA and a client certificate, through the real binaries", .serialized, .timeLimit(.minutes(2)))
struct TLSTests {
    /// A CA, a server certificate for 127.0.0.1 and a client certificate, both signed by the CA.
    struct Certificates {
        let folder: String
        var ca: String { folder + "/ca.pem" }
        var serverCertificate: String { folder + "/server.pem" }
        var serverKey: String { folder + "/server.key" }
        var clientCertificate: String { folder + "/client.pem" }
        var clientKey: String { folder + "/client.key" }

        init() throws {
            folder = NSTemporaryDirectory() + "tls-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "subjectAltName=IP:127.0.0.1\n".write(toFile: folder + "/san.ext", atomically: true, encoding: .utf8)
            let steps = [
                "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=drop-test-ca",
                "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1",
                "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext",
                "req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=drop-client",
                "x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2",
            ]
            for step in steps {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["openssl"] + step.split(separator: " ").map(String.init)
                process.currentDirectoryURL = URL(fileURLWithPath: folder)
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else { throw CertificateError(step: step) }
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    struct CertificateError: Error { let step: String }

    /// Puts a `tls:` section at the top of the workspace's config.
    static func addTLS(_ lines: [String], to workspace: DropWorkspace) throws {
        let config = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try (["tls:"] + lines.map { "  " + $0 } + [config]).joined(separator: "\n").write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
    }

    @Test("Trusting the private CA and presenting the client certificate, a file is published over HTTPS; without them, nothing is sent")
    func publishesOverMutualTLS() async throws {
        let certificates = try Certificates()
        defer { certificates.remove() }
        let sandbox = try Sandbox(extraArguments: [
            "--tls-certificate", certificates.serverCertificate, "--tls-key", certificates.serverKey,
            "--tls-client-ca", certificates.ca,
        ])
        defer { sandbox.stop() }
        #expect(sandbox.baseURL.hasPrefix("https://127.0.0.1:"))

        let trusting = try DropWorkspace(sandbox: sandbox)
        defer { trusting.remove() }
        try Self.addTLS(
            ["caFile: \(certificates.ca)", "clientCertificate: \(certificates.clientCertificate)", "clientKey: \(certificates.clientKey)"],
            to: trusting)
        try await trusting.startWatcher()
        try trusting.dropByRename("secure.csv", HostileInboxTests.validCSV)
        try await eventually("secure.csv published over HTTPS\n\(trusting.log)") { trusting.receipts()["secure.csv"] != nil }

        // The CA alone: the server asks for a client certificate, and the pipeline is never bound.
        let anonymous = try DropWorkspace(sandbox: sandbox)
        defer { anonymous.remove() }
        try Self.addTLS(["caFile: \(certificates.ca)"], to: anonymous)
        try await anonymous.startWatcher(waitUntilWatching: false)
        try await eventually("a refused handshake\n\(anonymous.log)") { anonymous.log.contains("requests to Openlayer are failing") }
        #expect(!anonymous.log.contains("pipeline ready"))
        anonymous.stopWatcher()
    }
}

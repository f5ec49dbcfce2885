import ArgumentParser
import OpenlayerSandbox

import Foundation

/// `openlayer-sandbox`: runs a local Openlayer-compatible server for demos and tests.
///
/// Deliberately thin: everything but option parsing lives in the `OpenlayerSandbox` library, so
/// tests can run the same server in-process. The one line on stdout is a contract: end-to-end
/// tests start the binary with `--port 0` and read the bound port from it.
@main
struct OpenlayerSandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openlayer-sandbox",
        abstract: "Run a local Openlayer-compatible API server for demos and tests.",
        discussion: """
            Serves the subset of https://api.openlayer.com/v1 that openlayer-drop and the Openlayer \
            SDK use (projects, inference pipelines, data-stream, batch uploads through \
            POST /v1/storage/presigned-url and POST /v1/inference-pipelines/{id}/data, ground \
            truths through PUT /v1/inference-pipelines/{id}/rows, reference datasets) and stores \
            what it receives in SQLite, plus sandbox-only routes to read it back: \
            GET /v1/inference-pipelines/{id}/rows, GET /v1/sandbox/requests, \
            GET /v1/sandbox/ground-truths and GET /v1/sandbox/reference-datasets.

            The sandbox is its own object storage: presigned URLs point to it, and uploads must \
            follow the protocol of the --storage kind (s3: multipart POST, presigned fields first \
            and 'file' last; local: multipart POST with just 'file'; gcs: PUT; azure: PUT with \
            x-ms-blob-type: BlockBlob). Once listening it prints one line to stdout:
              openlayer-sandbox listening on http://HOST:PORT/v1
            It stops on SIGINT or SIGTERM.

            Faults for testing a client's retries: the fault options below set them at start-up; \
            GET, PUT and DELETE /v1/sandbox/faults read, replace and clear them while running \
            (PUT body: failNext, status, retryAfter, retryAfterMs, shouldRetry, message, \
            latencyMs, dropNext, unauthorized; all optional). Data requests are the data-stream, \
            data and row-update calls.

            Examples:
              openlayer-sandbox --api-key dev-key --port 0
              OPENLAYER_API_KEY=dev-key openlayer-sandbox --database sandbox.sqlite
              openlayer-sandbox --api-key dev-key --fail-next 2 --retry-after 2
              openlayer-sandbox --api-key dev-key --storage gcs --storage-dir ./uploads
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(
        name: .customLong("database"),
        help: ArgumentHelp("A SQLite file to keep data in (default: in memory, lost on exit).", valueName: "path")
    )
    var databasePath: String?

    @Option(
        help: ArgumentHelp(
            "The object storage to imitate for uploads: s3, gcs, azure or local.", valueName: "kind"
        )
    )
    var storage = StorageKind.s3.rawValue

    @Option(
        name: .customLong("storage-dir"),
        help: ArgumentHelp(
            "A directory to keep uploaded files in (default: a temporary one, removed on exit).", valueName: "path"
        )
    )
    var storageDirectory: String?

    @Option(
        help: ArgumentHelp(
            "The API key clients must send as 'Authorization: Bearer KEY' (default: $OPENLAYER_API_KEY).",
            valueName: "key"
        )
    )
    var apiKey: String?

    @Option(help: ArgumentHelp("Fail the first N data requests (nothing stored).", valueName: "N"))
    var failNext = 0

    @Option(help: ArgumentHelp("The status of those failures, 400-599.", valueName: "code"))
    var failStatus = 503

    @Option(help: ArgumentHelp("The Retry-After of those failures: seconds or an HTTP date.", valueName: "value"))
    var retryAfter: String?

    @Option(help: ArgumentHelp("Close the connection of the first N data requests, unanswered.", valueName: "N"))
    var dropNext = 0

    @Option(help: ArgumentHelp("Delay the answer to every data request by this long.", valueName: "ms"))
    var latencyMs = 0

    @Flag(help: "Answer 401 to every request but /v1/sandbox/*, until lifted through PUT /v1/sandbox/faults.")
    var unauthorized = false

    @Option(help: ArgumentHelp("Serve HTTPS with this PEM certificate (and --tls-key).", valueName: "file"))
    var tlsCertificate: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-certificate.", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("With HTTPS, require a client certificate signed by this PEM CA (mutual TLS).", valueName: "file"))
    var tlsClientCa: String?

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535.")
        }
        guard StorageKind(rawValue: storage) != nil else {
            throw ValidationError("--storage must be one of: s3, gcs, azure, local.")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil), tlsClientCa == nil || tlsCertificate != nil else {
            throw ValidationError("--tls-certificate and --tls-key go together; --tls-client-ca needs them.")
        }
        guard resolvedAPIKey != nil else {
            throw ValidationError("No API key: pass --api-key KEY or set OPENLAYER_API_KEY.")
        }
        // Checked here too because the library would call it 'status', the name in
        // /v1/sandbox/faults; its other names read as the options do ('failNext', --fail-next).
        guard (400...599).contains(failStatus) else {
            throw ValidationError("--fail-status must be between 400 and 599.")
        }
        do {
            try faults.validate()
        } catch {
            throw ValidationError("Invalid fault option: \(error)")
        }
    }

    func run() async throws {
        guard let apiKey = resolvedAPIKey, let storage = StorageKind(rawValue: storage) else {
            throw ExitCode.validationFailure
        }
        // A storage directory of our own making is ours to remove; one given is the user's.
        let files =
            storageDirectory
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("openlayer-sandbox-files-\(UUID().uuidString.lowercased())").path
        defer {
            if storageDirectory == nil { try? FileManager.default.removeItem(atPath: files) }
        }
        var configuration = SandboxConfiguration(
            host: host, port: port, apiKey: apiKey, databasePath: databasePath, faults: faults, storage: storage,
            storageDirectory: files
        )
        if let tlsCertificate, let tlsKey {
            configuration.tls = .init(certificate: tlsCertificate, privateKey: tlsKey, clientCA: tlsClientCa)
        }
        let scheme = configuration.tls == nil ? "http" : "https"
        let host = self.host
        let app = try await makeSandboxApplication(configuration) { port in
            // Written straight to the file descriptor: unbuffered, so a test reading the pipe
            // sees the line at once, and never followed by more stdout output.
            let line = "openlayer-sandbox listening on \(scheme)://\(Self.urlHost(host)):\(port)/v1\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        try await app.runService()
    }

    /// The start-up faults, from the options.
    private var faults: SandboxFaults {
        SandboxFaults(
            failNext: failNext, status: failStatus, retryAfter: retryAfter, latencyMs: latencyMs,
            dropNext: dropNext, unauthorized: unauthorized
        )
    }

    /// The key from the option, else from the environment; an empty key counts as none.
    private var resolvedAPIKey: String? {
        let key = apiKey ?? ProcessInfo.processInfo.environment["OPENLAYER_API_KEY"]
        return key.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// IPv6 literals need brackets in a URL.
    private static func urlHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}

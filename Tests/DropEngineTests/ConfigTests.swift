@testable import DropEngine
import Foundation
import OpenlayerAPI
import Testing

@Suite("Loading the YAML config")
struct ConfigTests {
    static let valid = """
        directories:
          root: ./drop
        defaults:
          batchRows: 500
        pipelines:
          fraud:
            project: Fraud classification
            taskType: tabular-classification
            inferencePipeline: production
            maxBatchBytes: 2048
            workers: 3
            dataConfig:
              classNames: [legit, fraud]
              featureNames: [amount, merchant]
              categoricalFeatureNames: [merchant]
              predictionsColumnName: prediction
        """

    static func parse(_ yaml: String, environment: [String: String] = ["OPENLAYER_API_KEY": "sk-test"]) throws(ConfigError) -> DropConfig {
        try ConfigLoader.parse(yaml: yaml, file: "config.yaml", relativeTo: "/etc/od", environment: environment)
    }

    @Test("tls: a client certificate needs its key, and files that are not PEM stop the start")
    func tlsSection() throws {
        let halfPair = #expect(throws: ConfigError.self) { try Self.parse("tls:\n  clientCertificate: client.pem\n" + Self.valid) }
        #expect(halfPair?.keyPath == "tls")
        #expect(halfPair?.message.contains("both 'clientCertificate' and 'clientKey'") == true)
        let missing = #expect(throws: ConfigError.self) { try Self.parse("tls:\n  caFile: no-such-ca.pem\n" + Self.valid) }
        #expect(missing?.keyPath == "tls")
        #expect(try Self.parse(Self.valid).tls == nil)
    }

    @Test("Outputs are the owner's alone unless directories.groupReadable says otherwise")
    func outputModes() throws {
        let owner = try Self.parse(Self.valid)
        #expect(owner.directories.directoryMode == 0o700)
        #expect(owner.directories.fileMode == 0o600)
        let shared = try Self.parse(Self.valid.replacingOccurrences(of: "  root: ./drop", with: "  root: ./drop\n  groupReadable: true"))
        #expect(shared.directories.directoryMode == 0o750)
        #expect(shared.directories.fileMode == 0o640)
    }

    @Test("A key file the group or others can read is used, with a warning naming the fix")
    func readableKeyFileWarns() throws {
        let directory = NSTemporaryDirectory() + "keyfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keyFile = directory + "/key"
        try "sk-from-file\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        let yaml = "apiKeyFile: key\n" + Self.valid
        func load() throws -> DropConfig {
            try ConfigLoader.parse(yaml: yaml, file: "config.yaml", relativeTo: directory, environment: [:])
        }
        chmod(keyFile, 0o644)
        let shared = try load()
        #expect(shared.apiKey == APIKey("sk-from-file"))
        #expect(shared.warnings == ["the API key file \(keyFile) can be read by its group and everyone (mode 644): make it the owner's alone with chmod 600 \(keyFile)"])
        #expect(!shared.warnings.joined().contains("sk-from-file"))
        chmod(keyFile, 0o600)
        #expect(try load().warnings.isEmpty)
    }

    @Test("A valid config resolves paths, defaults, overrides and the key")
    func valid() throws {
        let config = try Self.parse(Self.valid, environment: ["OPENLAYER_API_KEY": "sk-test", "OPENLAYER_BASE_URL": "http://127.0.0.1:9/v1"])
        #expect(config.directories.inbox == "/etc/od/drop/inbox")
        #expect(config.directories.archive == "/etc/od/drop/archive")
        #expect(config.baseURL == "http://127.0.0.1:9/v1")
        #expect(config.apiKey == APIKey("sk-test"))
        #expect(config.apiKeySource == "OPENLAYER_API_KEY")
        let fraud = try #require(config.pipeline(named: "fraud"))
        #expect(fraud.taskType == .tabularClassification)
        #expect(fraud.publish.batchRows == 500)
        #expect(fraud.publish.maxBatchBytes == 2048)
        #expect(fraud.publish.workers == 3)
        #expect(fraud.dataConfig.classNames == ["legit", "fraud"])
        #expect(try Self.parse(Self.valid).baseURL == "https://api.openlayer.com/v1")
    }

    @Test("A wrong config names the key's path and what was expected", arguments: [
        ("taskType: tabular-classification", "taskType: tabular", "pipelines.fraud.taskType", "expected one of llm-base"),
        ("classNames: [legit, fraud]", "classNames: legit", "pipelines.fraud.dataConfig.classNames", "expected a list"),
        ("batchRows: 500", "batchRows: 0", "defaults.batchRows", "expected a positive number"),
        ("workers: 3", "workers: 0", "pipelines.fraud.workers", "expected 1 to 64 threads"),
        ("    project: Fraud classification\n", "", "pipelines.fraud.project", "required key is missing"),
        ("categoricalFeatureNames: [merchant]", "categoricalFeatureNames: [shop]", "pipelines.fraud.dataConfig.categoricalFeatureNames", "'shop' is not in featureNames"),
        ("      classNames: [legit, fraud]\n", "", "pipelines.fraud.dataConfig.classNames", "needs the list of class names"),
    ])
    func invalid(_ replacing: String, _ with: String, _ keyPath: String, _ message: String) throws {
        let yaml = Self.valid.replacingOccurrences(of: replacing, with: with)
        #expect(yaml != Self.valid)
        let error = try #require(throws: ConfigError.self) { try Self.parse(yaml) }
        #expect(error.keyPath == keyPath)
        #expect(error.message.contains(message), "\(error)")
        #expect(error.description.hasPrefix("config.yaml: \(keyPath): "))
    }

    @Test("Without a key the start stops and says where a key may come from")
    func missingKey() throws {
        let error = try #require(throws: ConfigError.self) { try Self.parse(Self.valid, environment: [:]) }
        #expect(error.message.contains("OPENLAYER_API_KEY"))
    }

    @Test("Without apiKeyFile or OPENLAYER_API_KEY, the key is systemd's credential openlayer-api-key")
    func systemdCredential() throws {
        let credentials = NSTemporaryDirectory() + "credentials-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: credentials) }
        let credential = credentials + "/openlayer-api-key"
        let environment = ["CREDENTIALS_DIRECTORY": credentials]

        // A folder without our credential (the unit loads others) is no key, and the message names the way.
        let absent = try #require(throws: ConfigError.self) { try Self.parse(Self.valid, environment: environment) }
        #expect(absent.kind == .noAPIKey)
        #expect(absent.message.contains("LoadCredential=openlayer-api-key:FILE"))

        try "sk-from-credential\n".write(toFile: credential, atomically: true, encoding: .utf8)
        chmod(credential, 0o400)
        let config = try Self.parse(Self.valid, environment: environment)
        #expect(config.apiKey == APIKey("sk-from-credential"))
        #expect(config.apiKeySource == credential)
        #expect(config.warnings.isEmpty)
        #expect(!"\(config)".contains("sk-from-credential"))

        // The environment and apiKeyFile are the operator's explicit choice, so they come first.
        let fromEnvironment = try Self.parse(Self.valid, environment: environment.merging(["OPENLAYER_API_KEY": "sk-env"]) { $1 })
        #expect(fromEnvironment.apiKey == APIKey("sk-env"))
        let keyFile = credentials + "/key"
        try "sk-from-file".write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o600)
        let fromFile = try ConfigLoader.parse(yaml: "apiKeyFile: key\n" + Self.valid, file: "config.yaml", relativeTo: credentials, environment: environment)
        #expect(fromFile.apiKey == APIKey("sk-from-file"))

        // Empty, or not readable: stop with the path, as for apiKeyFile, and never the key.
        try " \n".write(toFile: credential, atomically: false, encoding: .utf8)
        let empty = try #require(throws: ConfigError.self) { try Self.parse(Self.valid, environment: environment) }
        #expect(empty.kind == .noAPIKey)
        #expect(empty.message == "the systemd credential \(credential) is empty")
        try FileManager.default.removeItem(atPath: credential)
        try FileManager.default.createDirectory(atPath: credential, withIntermediateDirectories: false)
        let unreadable = try #require(throws: ConfigError.self) { try Self.parse(Self.valid, environment: environment) }
        #expect(unreadable.kind == .noAPIKey)
        #expect(unreadable.message.hasPrefix("cannot read the systemd credential \(credential): "))
    }

    @Test("The key never shows in descriptions")
    func keyRedacted() throws {
        let config = try Self.parse(Self.valid, environment: ["OPENLAYER_API_KEY": "sk-very-secret"])
        #expect(!"\(config.apiKey)".contains("sk-very-secret"))
        #expect(!String(reflecting: config.apiKey).contains("sk-very-secret"))
        #expect(!"\(config)".contains("sk-very-secret"))
    }
}

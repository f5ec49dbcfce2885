@testable import DropEngine
import Testing

/// What a reload makes of an edited config: which pipelines start, stop or start again, and
/// which settings wait for a restart.
@Suite("A reload's changes")
struct ConfigChangesTests {
    static let fraud = """
          fraud:
            project: Fraud classification
            taskType: tabular-classification
            inferencePipeline: production
            dataConfig:
              classNames: [legit, fraud]
              featureNames: [amount, merchant]
              predictionsColumnName: prediction
        """
    static let churn = """
          churn:
            project: Churn
            taskType: tabular-classification
            inferencePipeline: production
            dataConfig:
              classNames: [stays, leaves]
              featureNames: [tenure]
              predictionsColumnName: prediction
        """

    static func config(_ top: String = "", pipelines: [String], key: String = "sk-test") throws -> DropConfig {
        try ConfigTests.parse(
            "directories:\n  root: ./drop\n" + top + "pipelines:\n" + pipelines.joined(separator: "\n"),
            environment: ["OPENLAYER_API_KEY": key])
    }

    @Test("The same file changes nothing")
    func unchanged() throws {
        let running = try Self.config(pipelines: [Self.fraud, Self.churn])
        #expect(ConfigChanges(from: running, to: try Self.config(pipelines: [Self.churn, Self.fraud])).isEmpty)
    }

    @Test("A pipeline added, one removed, one whose batch size changed")
    func pipelines() throws {
        let running = try Self.config(pipelines: [Self.fraud, Self.churn])
        let edited = Self.fraud.replacingOccurrences(of: "    inferencePipeline: production", with: "    inferencePipeline: production\n    batchRows: 10")
        let returns = Self.churn.replacingOccurrences(of: "churn:", with: "returns:")
        let changes = ConfigChanges(from: running, to: try Self.config(pipelines: [edited, returns]))
        #expect(changes.added == ["returns"])
        #expect(changes.removed == ["churn"])
        #expect(changes.changed == ["fraud"])
        #expect(changes.waitingForRestart.isEmpty)
        #expect(!changes.keyReplaced)
    }

    @Test("A setting every pipeline shares starts them all again; a new key does not")
    func shared() throws {
        let running = try Self.config(pipelines: [Self.fraud, Self.churn])
        let slower = ConfigChanges(from: running, to: try Self.config("service: {settleSeconds: 9}\n", pipelines: [Self.fraud, Self.churn]))
        #expect(slower.changed == ["churn", "fraud"])
        let otherAPI = ConfigChanges(from: running, to: try Self.config("baseURL: https://openlayer.internal/v1\n", pipelines: [Self.fraud, Self.churn]))
        #expect(otherAPI.changed == ["churn", "fraud"])
        let rotated = ConfigChanges(from: running, to: try Self.config(pipelines: [Self.fraud, Self.churn], key: "sk-rotated"))
        #expect(rotated.keyReplaced)
        #expect(rotated.changed.isEmpty)
        #expect(!rotated.isEmpty)
    }

    @Test("The folders, the endpoint and the log format wait for a restart, and stay as they run")
    func waitingForRestart() throws {
        let running = try Self.config(pipelines: [Self.fraud])
        let new = try Self.config(
            "service: {http: null, logFormat: json, shutdownTimeoutSeconds: 5}\n", pipelines: [Self.fraud]
        )
        var moved = new
        moved.directories = DropDirectories(root: "/srv/elsewhere")
        let changes = ConfigChanges(from: running, to: moved)
        #expect(changes.waitingForRestart == ["directories", "service.http", "service.logFormat", "service.shutdownTimeoutSeconds"])
        #expect(changes.changed.isEmpty)
        let applied = running.reloaded(as: moved)
        #expect(applied.directories == running.directories)
        #expect(applied.service.httpListen == running.service.httpListen)
        #expect(applied.service.logFormat == .text)
        #expect(applied.service.shutdownTimeout == running.service.shutdownTimeout)
        #expect(ConfigChanges(from: running, to: applied).isEmpty)
    }
}

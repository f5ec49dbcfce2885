import Foundation

/// A built binary of this package, started as its own process for a test.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let name: String

    /// The folder holding the package's products: the test runner is built beside them.
    static let productsDirectory: URL = {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // The runner may sit inside a bundle folder (`*.xctest/…`).
        while directory.path != "/", !FileManager.default.fileExists(atPath: directory.appendingPathComponent("openlayer-drop").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }()

    init(_ product: String, arguments: [String], environment: [String: String] = [:], stdout: Any? = nil, stderr: Any? = nil) throws {
        name = product
        process.executableURL = Self.productsDirectory.appendingPathComponent(product)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["OPENLAYER_API_KEY"] = nil
        merged["OPENLAYER_BASE_URL"] = nil
        merged["CREDENTIALS_DIRECTORY"] = nil
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Stops the process (SIGTERM, then SIGKILL after `grace`) and returns its exit status.
    @discardableResult
    func stop(grace: TimeInterval = 10) -> Int32 {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

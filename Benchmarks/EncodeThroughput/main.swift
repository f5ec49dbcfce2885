import DropEngine
import Foundation

// Parse → type → JSON on one core: the publishing pass of a predictions file, as the service
// runs it, with the request bodies thrown away instead of sent (`EncodingPass`).
//
//     encode-throughput FILE --config CONFIG --pipeline NAME
//
// Prints one line: rows, MiB of the file, seconds of the pass, MiB/s. Run by scripts/bench.sh.

let arguments = CommandLine.arguments
func value(after flag: String) -> String? {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
guard arguments.count >= 6, let configPath = value(after: "--config"), let pipelineName = value(after: "--pipeline") else {
    FileHandle.standardError.write(Data("usage: encode-throughput FILE --config CONFIG --pipeline NAME\n".utf8))
    exit(64)
}
let file = arguments[1]
let config = try ConfigLoader.load(path: configPath, environment: ProcessInfo.processInfo.environment, requireAPIKey: false)
guard let pipeline = config.pipeline(named: pipelineName) else {
    FileHandle.standardError.write(Data("no pipeline '\(pipelineName)' in \(configPath)\n".utf8))
    exit(64)
}
let measurement = try await EncodingPass.measure(path: file, pipeline: pipeline)
let mebibytes = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0) / 1_048_576
print(String(
    format: "%d rows, %.1f MiB: %.3f s, %.0f MiB/s, %.0f MiB of request bodies",
    measurement.rows, mebibytes, measurement.seconds, mebibytes / measurement.seconds, Double(measurement.bodyBytes) / 1_048_576))

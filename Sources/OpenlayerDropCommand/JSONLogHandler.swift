import DropJSON
import Foundation
import Logging
import Synchronization

/// Writes each log event as one JSON object on one line of standard error, for a log shipper
/// that reads fields instead of parsing text: `time`, `level`, `label`, `message`, then every
/// metadata value (`pipeline`, `file`, …) as a field of its own.
///
/// JSON escapes every control character in a string, so a line feed in a file name or a
/// server's message cannot start a forged line, as `EscapingLogHandler` ensures for text.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    /// The fields every line starts with; metadata of the same name is written with a `_` before it.
    static let ownFields: Set<String> = ["time", "level", "label", "message"]

    /// UTC with milliseconds: `2026-12-01T06:45:00.123Z`.
    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// One lock for every handler, so that lines from concurrent tasks never interleave.
    private static let output = LockedStandardError()

    init(label: String) {
        self.label = label
    }

    /// Standard error, one JSON object per line, at `level`: what `watch --log-format json` logs through.
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        Self.output.write(Self.line(event: event, label: label, metadata: metadata, at: Date()))
    }

    /// The event's JSON object and a line feed.
    static func line(event: LogEvent, label: String, metadata: Logger.Metadata, at time: Date) -> [UInt8] {
        var object = JSONObject()
        object["time"] = .string(time.formatted(timeFormat))
        object["level"] = .string(event.level.rawValue)
        object["label"] = .string(label)
        object["message"] = .string(event.message.description)
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            object[ownFields.contains(key) ? "_" + key : key] = json(value)
        }
        var line = JSONWriter.encode(.object(object))
        line.append(UInt8(ascii: "\n"))
        return line
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let dictionary):
            .object(JSONObject(dictionary.sorted { $0.key < $1.key }.map { JSONObject.Field(key: $0.key, value: json($0.value)) }))
        }
    }
}

/// Standard error, written a whole line at a time.
private final class LockedStandardError: Sendable {
    private let lock = Mutex(())

    func write(_ bytes: [UInt8]) {
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0, errno == EINTR { continue }
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}

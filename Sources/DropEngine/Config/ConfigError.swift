/// A configuration that cannot be used, said the way a person fixes it:
/// which file, which key (as a dotted path), what was expected.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// Dotted path of the key, e.g. `pipelines.fraud.dataConfig.classNames`; empty for the whole file.
    public var keyPath: String
    public var message: String

    public init(file: String, keyPath: String, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? "\(file): \(message)" : "\(file): \(keyPath): \(message)"
    }
}

@testable import DropEngine
import Testing

@Suite("Known config keys and suggestions for unknown ones")
struct ConfigKeyTests {
    static func properties(_ value: Any) -> Set<String> {
        Set(Mirror(reflecting: value).children.compactMap(\.label))
    }

    static func keys<Key: CodingKey & CaseIterable>(_: Key.Type) -> Set<String> {
        Set(Key.allCases.map(\.stringValue))
    }

    /// A property added without its coding key would be neither decoded nor known (optional
    /// properties decode as nil without one). `RawConfig.Pipeline` decodes each key by hand
    /// through its `CodingKeys`, so the compiler keeps that list whole.
    @Test("Each list of known keys is exactly the Codable type's stored properties")
    func listsMatchProperties() {
        #expect(RawConfig.knownKeys.keys(of: "defaults")?.names.contains("project") == false)
        #expect(Self.properties(RawConfig(pipelines: [:])) == Self.keys(RawConfig.CodingKeys.self))
        #expect(Self.properties(RawConfig.Directories()) == Self.keys(RawConfig.Directories.CodingKeys.self))
        #expect(Self.properties(RawConfig.Settings()) == Self.keys(RawConfig.Settings.CodingKeys.self))
        #expect(Self.properties(RawConfig.Service()) == Self.keys(RawConfig.Service.CodingKeys.self))
        #expect(Self.properties(RawConfig.Retry()) == Self.keys(RawConfig.Retry.CodingKeys.self))
        #expect(Self.properties(DataConfig()) == Self.keys(DataConfig.CodingKeys.self))
        #expect(Self.keys(DataConfig.CodingKeys.self).count == 22)
    }

    @Test("The known keys reach every mapping of the file", arguments: [
        (["pipelines", "x", "dataConfig"], "classNames"),
        (["pipelines", "x"], "batchRows"),
        (["pipelines", "x"], "project"),
        (["service", "retry"], "localRetrySeconds"),
        (["directories"], "state"),
        (["defaults"], "storage"),
    ])
    func shape(_ path: [String], _ key: String) throws {
        var keys = RawConfig.knownKeys
        for step in path {
            if case .named(let each) = keys { keys = each } else { keys = try #require(keys.keys(of: step)) }
        }
        #expect(keys.names.contains(key))
    }

    @Test("A slip of the pen gets the key meant; anything else gets no guess", arguments: [
        ("clasNames", "classNames"), ("classnames", "classNames"), ("class_names", "classNames"),
        ("predictionColumnName", "predictionsColumnName"), ("label", "labelColumnName"), ("featurenames", "featureNames"),
        ("inferenceIdColumn", "inferenceIdColumnName"), ("colour", nil), ("x", nil), ("", nil), ("metadatas", "metadata"),
    ] as [(String, String?)])
    func suggestion(_ typed: String, _ meant: String?) {
        #expect(UnknownKeyCheck.closest(to: typed, among: DataConfig.CodingKeys.allCases.map(\.stringValue)) == meant)
    }

    @Test("Edit distance counts insertions, deletions and substitutions")
    func editDistance() {
        #expect(UnknownKeyCheck.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(UnknownKeyCheck.editDistance(Array(""), Array("abc")) == 3)
        #expect(UnknownKeyCheck.editDistance(Array("same"), Array("same")) == 0)
    }
}

import InboxWatcher
import Testing

@Suite struct FileNameFilterTests {
    @Test(arguments: ["data.csv", "data.jsonl", "report.2024.csv", "tmp.csv", "partial.csv", "x.swp.csv", "naïve.csv"])
    func acceptsFinishedNames(_ name: String) {
        #expect(FileNameFilter.default.accepts(name))
    }

    @Test(arguments: [".hidden", ".data.csv.swp", "x.csv.tmp", "x.csv.part", "x.csv.swp", "X.CSV.TMP", "x.Part", "", "."])
    func rejectsWritersScratchNames(_ name: String) {
        #expect(!FileNameFilter.default.accepts(name))
    }

    @Test func extraSuffixesAddToTheDefaults() {
        let filter = FileNameFilter(extraIgnoredSuffixes: [".crdownload", "~"])
        #expect(!filter.accepts("big.csv.crdownload"))
        #expect(!filter.accepts("data.csv~"))
        #expect(!filter.accepts("data.csv.tmp"))
        #expect(filter.accepts("data.csv"))
        #expect(FileNameFilter.default.accepts("data.csv~"))
        #expect(filter != .default)
    }
}

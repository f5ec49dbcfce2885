import CHashing
@testable import DropEngine
import DropFormats
import DropJSON
import Foundation
import OpenlayerAPI
import PackageReading
import Testing

/// A big file is read by several threads at once, each its own segment: the rows published must
/// be exactly those of one thread reading the whole file.
@Suite("Files read in segments")
struct SegmentTests {
    /// A predictions file with what makes a row boundary hard to find: quoted line feeds, blank
    /// and space-only lines, CRLF endings, a byte order mark, invalid rows, no trailing newline.
    static func trickyCSV(rows: Int, quotedLineFeeds: Bool = true) -> String {
        var text = "\u{FEFF}amount,merchant,hour,prediction,scores,note\n"
        for row in 1...rows {
            let amount = row % 97 == 0 ? "abc" : (row % 3 == 0 ? "\(row).25" : "\(row)")
            let merchant = row % 5 == 0 ? "\"fuel, \"\"diesel\"\"\"" : "m\(row % 11)"
            let note = row % 7 == 0 ? (quotedLineFeeds ? "\"line one\nline two\"" : "\"one, two\"") : (row % 4 == 0 ? "" : "n\(row)")
            let ending = row % 13 == 0 ? "\r\n" : "\n"
            text += "\(amount),\(merchant),\(row % 24),\(row % 2),\"[0.25, 0.75]\",\(note)\(ending)"
            if row % 50 == 0 { text += "\n   \n" }
        }
        return String(text.dropLast())
    }

    static func trickyJSONL(rows: Int) -> String {
        (1...rows).map { row in
            let amount = row % 89 == 0 ? "\"abc\"" : (row % 3 == 0 ? "\(row).5" : "\(row)")
            return "{\"amount\": \(amount), \"merchant\": \"m\\n\(row % 11)\", \"hour\": \(row % 24), \"prediction\": \(row % 2), \"scores\": [0.5, 0.5]}"
        }.joined(separator: "\n") + "\n\n"
    }

    static func survey(_ path: String, workers: Int, format: SourceFormat = .csv) throws -> FileSurvey {
        try FileSurvey.survey(path: path, format: format, plan: Fixtures.fraudPlan, workers: workers, segmentMinimumBytes: 1)
    }

    @Test("Segments tile the file at row starts, each with its own digest", arguments: [2, 3, 7])
    func cutting(workers: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.csv", Self.trickyCSV(rows: 600))
        let whole = try Self.survey(path, workers: 1)
        let cut = try Self.survey(path, workers: workers)
        #expect(whole.segments.isEmpty)
        #expect(cut.segments.count == workers)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(cut.segments.first?.byteRange.lowerBound == 0)
        #expect(cut.segments.last?.byteRange.upperBound == Int64(bytes.count))
        #expect(cut.segments.reduce(0) { $0 + $1.rowCount } == whole.rowCount)
        for (earlier, later) in zip(cut.segments, cut.segments.dropFirst()) {
            #expect(earlier.byteRange.upperBound == later.byteRange.lowerBound)
            #expect(earlier.firstOrdinal + earlier.rowCount == later.firstOrdinal)
        }
        // Each segment, read on its own, gives the rows the whole file gives at its ordinals.
        let reader = try SourceReader(path: path, format: .csv)
        var wholeRows: [(line: Int, fields: [String])] = []
        while let record = try reader.next() {
            if case .csv(let line, let fields) = record { wholeRows.append((line, fields)) }
        }
        for segment in cut.segments {
            let range = Int(segment.byteRange.lowerBound)..<Int(segment.byteRange.upperBound)
            #expect(bytes[range].withUnsafeBufferPointer { crc32c_update(0, $0.baseAddress, $0.count) } == segment.checksum)
            let part = try SourceReader(segment: segment, path: path, format: .csv, header: cut.columns)
            var ordinal = segment.firstOrdinal
            while let record = try part.next() {
                guard case .csv(let line, let fields) = record else { continue }
                #expect(line == wholeRows[ordinal - 1].line && fields == wholeRows[ordinal - 1].fields, "row \(ordinal)")
                ordinal += 1
            }
            #expect(ordinal == segment.firstOrdinal + segment.rowCount)
        }
    }

    @Test("A small file is read whole")
    func smallFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.csv", Self.trickyCSV(rows: 100))
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: Fixtures.fraudPlan, workers: 4)
        #expect(survey.segments.isEmpty)
    }

    /// Every row sent, by ordinal range, and the rows set aside.
    static func published(_ survey: FileSurvey, prior: [JournalBatch] = []) async throws -> (FilePublisher.Outcome, [String], [JournalBatch]) {
        var settings = PublishSettings()
        settings.batchRows = 37
        settings.maxBatchesInFlight = 3
        let (outcome, batches, journaled) = try await Fixtures.publish(survey, settings: settings, defaultTimestamp: 1_795_600_000, prior: prior)
        let rows = try batches.flatMap(Fixtures.rows).map { String(decoding: JSONWriter.encode(.object($0)), as: UTF8.self) }
        return (outcome, rows, journaled)
    }

    @Test("Rows published in segments are those published whole", arguments: [SourceFormat.csv, .jsonl])
    func sameRows(format: SourceFormat) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(format == .csv ? "a.csv" : "a.jsonl", format == .csv ? Self.trickyCSV(rows: 1500) : Self.trickyJSONL(rows: 1500))
        let whole = try await Self.published(try Self.survey(path, workers: 1, format: format))
        let cut = try Self.survey(path, workers: 3, format: format)
        #expect(cut.segments.count == 3)
        let segmented = try await Self.published(cut)
        // Only the batch count may differ: no batch straddles two segments.
        var sameCounts = segmented.0
        sameCounts.batchesAcknowledged = whole.0.batchesAcknowledged
        #expect(whole.0 == sameCounts)
        #expect(whole.0.rowsInvalid > 0)
        #expect(whole.1.count == 1500 - whole.0.rowsInvalid)
        #expect(whole.1.sorted() == segmented.1.sorted())
        #expect(Set(whole.1).count == whole.1.count, "generated inference ids make every row distinct")
        // The journal's ranges cover each ordinal at most once.
        var covered = IndexSet()
        for batch in segmented.2 {
            let range = batch.firstOrdinal..<(batch.lastOrdinal + 1)
            #expect(!covered.intersects(integersIn: range))
            covered.insert(integersIn: range)
        }
    }

    @Test("A resumed file skips what an earlier pass acknowledged, in every segment")
    func resume() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.csv", Self.trickyCSV(rows: 1500))
        let survey = try Self.survey(path, workers: 2)
        let whole = try await Self.published(survey)
        // Acknowledged earlier: one range in each segment.
        let prior = [(10, 300), (900, 1200)].map {
            JournalBatch(fileId: 0, firstOrdinal: $0.0, lastOrdinal: $0.1, rows: 0, outcome: .acknowledged, message: nil, at: "")
        }
        let resumed = try await Self.published(survey, prior: prior)
        #expect(resumed.0.rowsAlreadyPublished > 0)
        #expect(resumed.0.rowsAcknowledged + resumed.0.rowsAlreadyPublished == whole.0.rowsAcknowledged)
        #expect(Set(resumed.1).isSubset(of: Set(whole.1)))
        for batch in resumed.2 {
            #expect(!prior.contains { $0.firstOrdinal <= batch.lastOrdinal && batch.firstOrdinal <= $0.lastOrdinal })
        }
    }

    @Test("A file or segment whose bytes changed after the survey is not finished", arguments: [1, 2])
    func changedSegment(workers: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a.csv", Self.trickyCSV(rows: 1500))
        let survey = try Self.survey(path, workers: workers)
        #expect(survey.segments.count == (workers == 1 ? 0 : workers))
        // Same size, same row boundaries: only the digest can tell.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let index = bytes.lastIndex(of: UInt8(ascii: "m"))!
        bytes[index + 1] = bytes[index + 1] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        let stamp = survey.stamp
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var unchangedLooking = survey
        unchangedLooking.stamp = try FileStamp(path: path)
        #expect(stamp.size == unchangedLooking.stamp.size)
        await #expect(throws: FilePublisher.Interruption.fileChanged) {
            _ = try await Self.published(unchangedLooking)
        }
    }

    /// The rows of a bulk file's Arrow stream, each as JSON text, and the rows set aside.
    static func arrowRows(_ survey: FileSurvey) async throws -> (rows: [String], setAside: Int) {
        let rejects = RejectedRowsWriter(claimedPath: survey.path, format: survey.format, header: survey.format == .csv ? survey.columns : nil)
        defer { rejects.discard() }
        let written = try await BulkArrowFile(plan: Fixtures.fraudPlan).write(survey, defaultTimestamp: 1_795_600_000, rejects: rejects) { _ in }
        defer { written.remove() }
        // The stream is the parts one after the other, as the upload reads them.
        let joined = survey.path + ".arrow"
        try Data(written.paths.flatMap { FileManager.default.contents(atPath: $0) ?? Data() }).write(to: URL(fileURLWithPath: joined))
        defer { unlink(joined) }
        let reader = try ArrowStreamReader(path: joined)
        var rows: [String] = []
        while let batch = try reader.nextBatch() {
            for values in batch {
                rows.append(String(decoding: JSONWriter.encode(.array(values)), as: UTF8.self))
            }
        }
        #expect(rows.count == written.rows)
        return (rows, rejects.count)
    }

    @Test("A bulk file written in parts is the stream written whole, row for row", arguments: [SourceFormat.csv, .jsonl])
    func bulkParts(format: SourceFormat) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = format == .csv
            ? try directory.write("a.csv", Self.trickyCSV(rows: 40_000)) : try directory.write("a.jsonl", Self.trickyJSONL(rows: 20_000))
        let whole = try await Self.arrowRows(try Self.survey(path, workers: 1, format: format))
        let cut = try Self.survey(path, workers: 3, format: format)
        #expect(cut.segments.count == 3)
        let parts = try await Self.arrowRows(cut)
        #expect(whole.setAside > 0 && whole.setAside == parts.setAside)
        #expect(whole.rows.count == parts.rows.count)
        #expect(whole.rows == parts.rows, "the same rows in the same order")
    }

    /// Everything a survey says about a file, but where it may cut it.
    static func findings(_ survey: FileSurvey) -> String {
        let stats = survey.stats.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.seen.rawValue)" }
        return """
            rows \(survey.rowCount) invalid \(survey.invalidRowCount) sha \(survey.sha256) columns \(survey.columns)
            issues \(survey.rowIssues) problems \(survey.fileProblems) stats \(stats)
            without id \(survey.rowsWithoutInferenceId) without timestamp \(survey.rowsWithoutTimestamp)
            first \(String(describing: survey.firstInferenceId)) last \(String(describing: survey.lastInferenceId))
            """
    }

    @Test("A survey read in parts at once says what the single pass says", arguments: [2, 3, 5])
    func surveyInParts(parts: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A line feed inside quotes would send the file to the single pass (see below).
        let path = try directory.write("a.csv", Self.trickyCSV(rows: 3000, quotedLineFeeds: false))
        let single = try Self.survey(path, workers: 1)
        let inParts = try #require(try FileSurvey.surveyInParts(
            path: path, format: .csv, plan: Fixtures.fraudPlan, timestamps: .anyDate, parts: parts, limits: FileLimits()))
        #expect(single.invalidRowCount > 0 && single.rowIssues.count > 0)
        #expect(Self.findings(inParts) == Self.findings(single))
        #expect(inParts.segments.count == parts)
        #expect(inParts.segments.reduce(0) { $0 + $1.rowCount } == single.rowCount)
        // The same rows are published from either survey's segments.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for segment in inParts.segments {
            let range = Int(segment.byteRange.lowerBound)..<Int(segment.byteRange.upperBound)
            #expect(bytes[range].withUnsafeBufferPointer { crc32c_update(0, $0.baseAddress, $0.count) } == segment.checksum)
        }
    }

    @Test("A part that would start inside a quoted field sends the file to the single pass")
    func guessInsideQuotes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // One row in the middle holds a quoted note of many lines, across the middle of the file.
        var text = "amount,merchant,hour,prediction,scores,note\n"
        for row in 1...200 { text += "\(row),m,1,0,\"[0.5, 0.5]\",n\n" }
        text += "1,m,1,0,\"[0.5, 0.5]\",\"" + String(repeating: "a line\n", count: 2000) + "\"\n"
        for row in 1...200 { text += "\(row),m,1,0,\"[0.5, 0.5]\",n\n" }
        let path = try directory.write("a.csv", text)
        #expect(try FileSurvey.surveyInParts(path: path, format: .csv, plan: Fixtures.fraudPlan, timestamps: .anyDate, parts: 2, limits: FileLimits()) == nil)
        let survey = try Self.survey(path, workers: 2)
        #expect(survey.rowCount == 401)
        #expect(Self.findings(survey) == Self.findings(try Self.survey(path, workers: 1)))
    }

    @Test("A file that gives inference ids is surveyed in one pass")
    func givenIds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = "inference_id,amount,merchant,hour,prediction,scores\n"
        for row in 1...2000 { text += "id\(row % 1500),\(row),m,1,0,\"[0.5, 0.5]\"\n" }
        let path = try directory.write("a.csv", text)
        #expect(try FileSurvey.surveyInParts(path: path, format: .csv, plan: Fixtures.fraudPlan, timestamps: .anyDate, parts: 2, limits: FileLimits()) == nil)
        let survey = try Self.survey(path, workers: 2)
        #expect(survey.repeatedIds.count == 500)
        #expect(survey.segments.count == 2)
    }
}

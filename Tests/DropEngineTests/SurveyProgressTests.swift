@testable import DropEngine
import Foundation
import Testing

@Suite("What the survey says of its progress")
struct SurveyProgressTests {
    @Test("By the end, every byte of the file and every whole block of rows, whether read whole or in parts", arguments: [1, 3])
    func countsTheFile(workers: Int) throws {
        let path = NSTemporaryDirectory() + "progress-\(UUID().uuidString).csv"
        defer { unlink(path) }
        // No quoted line feed: a file read in parts is surveyed in parts, not sent to the single pass.
        try Data(SegmentTests.trickyCSV(rows: 5000, quotedLineFeeds: false).utf8).write(to: URL(fileURLWithPath: path))
        let progress = SurveyProgress()
        let survey = try FileSurvey.survey(
            path: path, format: .csv, plan: Fixtures.fraudPlan, workers: workers, segmentMinimumBytes: 1, progress: progress)
        #expect(progress.bytes == survey.byteCount)
        // Each part counts its own rows: whole blocks of each, so at most a block short per part.
        #expect(progress.rows <= Int64(survey.rowCount) && progress.rows > Int64(survey.rowCount - SurveyProgress.rowBlock * workers))
    }
}

@testable import DropEngine
import DropJSON
import Testing

/// The check both fast paths' tests make of a row they took: `RowTyper` types the same record
/// as valid, and after `DefaultFiller` it is the same JSON, value and type.
enum FastPathAgreement {
    static func expect(
        _ fast: [UInt8], line: Int, ordinal: Int, as record: SourceRecord, typer: RowTyper, filler: DefaultFiller
    ) throws {
        var issues: [RowIssue] = []
        guard var row = typer.type(record, issues: &issues) else {
            Issue.record("line \(line): the fast path took a row RowTyper refuses: \(issues)")
            return
        }
        filler.fill(&row, ordinal: ordinal)
        let expected = JSONWriter.encode(.object(row))
        let received = JSONWriter.encode(try JSONParser.parse(fast))
        if expected != received {
            Issue.record("line \(line):\n  RowTyper  \(String(decoding: expected, as: UTF8.self))\n  fast path \(String(decoding: received, as: UTF8.self))")
        }
    }
}

import DropFormats
import Foundation
import Testing

@Suite struct CSVWriterTests {
    @Test func quotesOnlyWhatNeedsQuotingAndReadsBack() throws {
        let records = [["a", "b,c", "say \"hi\""], ["line\nbreak", "", "crlf\r\n"], ["café", "plain", "x"]]
        var buffer: [UInt8] = []
        for record in records { CSVWriter.appendRecord(record, to: &buffer) }
        #expect(String(decoding: buffer, as: UTF8.self).hasPrefix("a,\"b,c\",\"say \"\"hi\"\"\"\n"))
        let path = NSTemporaryDirectory() + "csv-writer-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(buffer).write(to: URL(fileURLWithPath: path))
        let reader = try CSVReader(path: path)
        var read: [[String]] = []
        while let record = try reader.next() { read.append(record.fields) }
        #expect(read == records)
    }
}

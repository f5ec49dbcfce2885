import Testing
import DropFormats
import DropJSON

private func readAll(_ bytes: [UInt8], onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> [JSONLinesRecord] {
    let file = try TemporaryFile(bytes, name: "drop.jsonl")
    let reader = try JSONLinesReader(path: file.path, onBytes: onBytes)
    var records: [JSONLinesRecord] = []
    while let record = try reader.next() { records.append(record) }
    #expect(try reader.next() == nil)
    return records
}

private func readAll(_ text: String) throws -> [JSONLinesRecord] {
    try readAll(Array(text.utf8))
}

private func object(_ record: JSONLinesRecord?) -> JSONObject? {
    guard case .success(let object)? = record?.object else { return nil }
    return object
}

private func error(_ record: JSONLinesRecord?) -> FormatError? {
    guard case .failure(let error)? = record?.object else { return nil }
    return error
}

@Suite struct JSONLinesReaderTests {
    /// A line past `maxLineBytes` ends the reading there, short or spanning many chunks, and
    /// says where it started: the reader never holds more than the limit and a chunk.
    @Test(arguments: [2000, 300_000])
    func lineLongerThanTheLimitEndsTheReading(length: Int) throws {
        let text = "{\"a\": 1}\n{\"a\": \"" + String(repeating: "x", count: length) + "\"}\n{\"a\": 3}\n"
        let file = try TemporaryFile(text, name: "long.jsonl")
        let reader = try JSONLinesReader(path: file.path, maxLineBytes: 1024)
        #expect(try reader.nextLine() == 1)
        #expect(try reader.nextLine() == nil)
        #expect(reader.tooLongLine == 2)
        let unlimited = try JSONLinesReader(path: file.path)
        var lines: [Int] = []
        while let line = try unlimited.nextLine() { lines.append(line) }
        #expect(lines == [1, 2, 3])
        #expect(unlimited.tooLongLine == nil)
    }

    @Test func blankAndWhitespaceLinesAreSkippedButCounted() throws {
        let records = try readAll("\n{\"a\":1}\n   \n\t\r\n{\"a\":2}\n\n")
        #expect(records.map(\.line) == [2, 5])
        #expect(object(records[0])?["a"] == .integer(1))
        #expect(object(records[1])?["a"] == .integer(2))
    }

    @Test func crlfLineEndings() throws {
        let records = try readAll("{\"a\":\"x\"}\r\n{\"a\":\"y\"}\r\n")
        #expect(records.map(\.line) == [1, 2])
        #expect(object(records[1])?["a"] == .string("y"))
    }

    @Test func lastLineWithoutNewline() throws {
        let records = try readAll("{\"a\":1}\n{\"b\":2}")
        #expect(records.map(\.line) == [1, 2])
        #expect(object(records[1])?.keys == ["b"])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let records = try readAll([0xEF, 0xBB, 0xBF] + Array("{\"a\":1}\n".utf8))
        #expect(records.count == 1)
        #expect(object(records[0])?["a"] == .integer(1))
    }

    @Test func badLineIsReportedAndReadingGoesOn() throws {
        let records = try readAll("{\"a\":1}\n{\"a\":2,}\n{\"a\":3}\n{\"a\" 4}\n{\"a\":5}\n")
        #expect(records.map(\.line) == [1, 2, 3, 4, 5])
        #expect(error(records[1]) == FormatError(line: 2, position: 8, message: "expected a '\"' to start an object key"))
        #expect(error(records[3]) == FormatError(line: 4, position: 6, message: "expected ':' after an object key"))
        #expect(object(records[2])?["a"] == .integer(3))
        #expect(object(records[4])?["a"] == .integer(5))
    }

    @Test func nonObjectLineIsAFailure() throws {
        let records = try readAll("[1,2]\n  42\n{}\n")
        #expect(error(records[0]) == FormatError(line: 1, position: 1, message: "expected a JSON object on each line, found an array"))
        #expect(error(records[1]) == FormatError(line: 2, position: 3, message: "expected a JSON object on each line, found a number"))
        #expect(object(records[2]) == JSONObject())
    }

    @Test func keyOrderAndNumberKindsAreKept() throws {
        let records = try readAll("{\"z\":1,\"a\":1.0,\"m\":-0.5e1,\"b\":null}\n")
        let row = try #require(object(records.first))
        #expect(row.keys == ["z", "a", "m", "b"])
        #expect(row["z"] == .integer(1))
        #expect(row["a"] == .double(1.0))
        #expect(row["m"] == .double(-5))
        #expect(JSONWriter.encode(.object(row)) == Array("{\"z\":1,\"a\":1.0,\"m\":-5.0,\"b\":null}".utf8))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let records = try readAll("{\"é€\":tru}\n")
        #expect(error(records[0]) == FormatError(line: 1, position: 10, message: "expected 'true'"))
    }

    /// Puts each byte of a CRLF-ended line exactly on the first 64 KiB boundary in turn.
    @Test(arguments: 0..<10)
    func everyByteOfALineOnTheChunkBoundary(shift: Int) throws {
        let template = "{\"a\":1}\r\n"  // 10 bytes
        let padding = "{\"p\":\"" + String(repeating: "p", count: 64 * 1024 - shift - 9) + "\"}\n"
        let records = try readAll(padding + template + template)
        #expect(records.map(\.line) == [1, 2, 3])
        #expect(object(records[0])?["p"] == .string(String(repeating: "p", count: 64 * 1024 - shift - 9)))
        #expect(object(records[1])?["a"] == .integer(1))
        #expect(object(records[2])?["a"] == .integer(1))
    }

    @Test func longLinesAcrossChunksAndOnBytes() throws {
        var bytes: [UInt8] = []
        let big = String(repeating: "é", count: 50_000)
        for row in 0..<12 {
            bytes += Array("{\"row\":\(row),\"text\":\"\(big)\"}\n".utf8)
            if row == 6 { bytes += Array("{broken\n".utf8) }
        }
        #expect(bytes.count > 1_000_000)
        var seen: [UInt8] = []
        let records = try readAll(bytes) { seen.append(contentsOf: $0) }
        #expect(seen == bytes)
        #expect(records.count == 13)
        #expect(records.map(\.line) == Array(1...13))
        #expect(error(records[7])?.line == 8)
        #expect(object(records[12])?["row"] == .integer(11))
        #expect(object(records[12])?["text"] == .string(big))
    }
}

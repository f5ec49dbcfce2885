import Testing
import DropFormats
import DropJSON
import Glibc

/// Reads every record of `text` written to a temporary file.
private func readAll(_ text: String) throws -> [CSVRecord] {
    try readAll(bytes: Array(text.utf8))
}

private func readAll(bytes: [UInt8], onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> [CSVRecord] {
    let file = try TemporaryFile(bytes, name: "drop.csv")
    let reader = try CSVReader(path: file.path, onBytes: onBytes)
    var records: [CSVRecord] = []
    while let record = try reader.next() { records.append(record) }
    #expect(try reader.next() == nil)
    return records
}

@Suite struct CSVReaderTests {
    @Test func plainRecordsWithLineNumbers() throws {
        #expect(try readAll("a,b,c\n1,2,3\n") == [
            CSVRecord(line: 1, fields: ["a", "b", "c"]),
            CSVRecord(line: 2, fields: ["1", "2", "3"]),
        ])
    }

    @Test func quotedCommasAndQuotes() throws {
        let records = try readAll("name,quote\n\"Doe, Jane\",\"she said \"\"hi\"\"\"\n\"\"\"\",\"\"\n")
        #expect(records == [
            CSVRecord(line: 1, fields: ["name", "quote"]),
            CSVRecord(line: 2, fields: ["Doe, Jane", "she said \"hi\""]),
            CSVRecord(line: 3, fields: ["\"", ""]),
        ])
    }

    @Test func quotedNewlinesKeepPhysicalLineNumbers() throws {
        let records = try readAll("id,text\n1,\"first\nsecond\nthird\"\n2,after\n3,\"x\r\ny\"\n4,end\n")
        #expect(records == [
            CSVRecord(line: 1, fields: ["id", "text"]),
            CSVRecord(line: 2, fields: ["1", "first\nsecond\nthird"]),
            CSVRecord(line: 5, fields: ["2", "after"]),
            CSVRecord(line: 6, fields: ["3", "x\r\ny"]),
            CSVRecord(line: 8, fields: ["4", "end"]),
        ])
    }

    @Test func crlfLineEndings() throws {
        #expect(try readAll("a,b\r\n1,\"2\"\r\n3,\r\n") == [
            CSVRecord(line: 1, fields: ["a", "b"]),
            CSVRecord(line: 2, fields: ["1", "2"]),
            CSVRecord(line: 3, fields: ["3", ""]),
        ])
    }

    @Test func loneCarriageReturnInsideQuotesIsData() throws {
        #expect(try readAll("\"a\rb\",c\n") == [CSVRecord(line: 1, fields: ["a\rb", "c"])])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let records = try readAll(bytes: [0xEF, 0xBB, 0xBF] + Array("id,name\n1,x\n".utf8))
        #expect(records == [
            CSVRecord(line: 1, fields: ["id", "name"]),
            CSVRecord(line: 2, fields: ["1", "x"]),
        ])
    }

    @Test func byteOrderMarkBeforeAQuotedField() throws {
        let records = try readAll(bytes: [0xEF, 0xBB, 0xBF] + Array("\"id\",name\n".utf8))
        #expect(records == [CSVRecord(line: 1, fields: ["id", "name"])])
    }

    @Test func emptyCells() throws {
        #expect(try readAll("a,,c\na,b,\n,\n\"\"\n") == [
            CSVRecord(line: 1, fields: ["a", "", "c"]),
            CSVRecord(line: 2, fields: ["a", "b", ""]),
            CSVRecord(line: 3, fields: ["", ""]),
            CSVRecord(line: 4, fields: [""]),
        ])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        #expect(try readAll("\na,b\n\n\r\n1,2\n\n") == [
            CSVRecord(line: 2, fields: ["a", "b"]),
            CSVRecord(line: 5, fields: ["1", "2"]),
        ])
    }

    @Test func whitespaceOnlyLineIsARecord() throws {
        #expect(try readAll("a\n \n") == [
            CSVRecord(line: 1, fields: ["a"]),
            CSVRecord(line: 2, fields: [" "]),
        ])
    }

    @Test func finalRecordWithoutNewline() throws {
        #expect(try readAll("a,b\n1,2") == [
            CSVRecord(line: 1, fields: ["a", "b"]),
            CSVRecord(line: 2, fields: ["1", "2"]),
        ])
        #expect(try readAll("a,\"b\"") == [CSVRecord(line: 1, fields: ["a", "b"])])
        #expect(try readAll("a,") == [CSVRecord(line: 1, fields: ["a", ""])])
    }

    @Test func emptyFileHasNoRecords() throws {
        #expect(try readAll("") == [])
        #expect(try readAll("\n\n") == [])
        #expect(try readAll(bytes: [0xEF, 0xBB, 0xBF]) == [])
    }

    @Test func unterminatedQuoteNamesTheLineWhereItOpened() throws {
        let file = try TemporaryFile("a,b\n1,2\n3,\"open\nmore\n4,5\n", name: "drop.csv")
        let reader = try CSVReader(path: file.path)
        #expect(try reader.next() == CSVRecord(line: 1, fields: ["a", "b"]))
        #expect(try reader.next() == CSVRecord(line: 2, fields: ["1", "2"]))
        let error = #expect(throws: FormatError.self) { try reader.next() }
        #expect(error?.line == 3)
        #expect(error?.position == 3)
        #expect(error?.message.hasPrefix("expected a closing '\"'") == true)
        #expect(error?.description.hasPrefix("line 3, column 3: expected a closing '\"'") == true)
    }

    @Test func quoteInsideAnUnquotedFieldIsData() throws {
        #expect(try readAll("5\" pipe,x\"y\"\n") == [CSVRecord(line: 1, fields: ["5\" pipe", "x\"y\""])])
    }

    @Test func textAfterAClosingQuoteIsAppended() throws {
        #expect(try readAll("\"ab\"cd,\"x\"\"\"y\"z,\"q\" \r\n") == [
            CSVRecord(line: 1, fields: ["abcd", "x\"y\"z", "q "]),
        ])
    }

    @Test func raggedRowsAreReturnedAsTheyAre() throws {
        #expect(try readAll("a,b,c\n1\n1,2,3,4\n").map(\.fields.count) == [3, 1, 4])
    }

    @Test func invalidUTF8BecomesReplacementCharacter() throws {
        let records = try readAll(bytes: [0x61, 0xFF, 0x62, 0x2C, 0xC3, 0xA9, 0x0A])
        #expect(records == [CSVRecord(line: 1, fields: ["a\u{FFFD}b", "é"])])
    }

    @Test func recordsSpanningChunkBoundaries() throws {
        // Long quoted fields with commas, doubled quotes and newlines, so that every kind of
        // state is cut by a 64 KiB boundary somewhere in the file.
        var text = "id,body,tail\n"
        var expected = [CSVRecord(line: 1, fields: ["id", "body", "tail"])]
        var line = 2
        for row in 0..<40 {
            let body = String(repeating: "x,\"\"y\n", count: 1000 + row * 37)
            let unescaped = String(repeating: "x,\"y\n", count: 1000 + row * 37)
            text += "\(row),\"\(body)\",t\(row)\r\n"
            expected.append(CSVRecord(line: line, fields: ["\(row)", unescaped, "t\(row)"]))
            line += 1 + 1000 + row * 37
        }
        #expect(text.utf8.count > 200 * 1024)
        let records = try readAll(text)
        #expect(records.count == expected.count)
        #expect(records == expected)
    }

    /// Delimiters are found a word at a time: every field length from empty to past two words,
    /// with the delimiter at each place in a word, and bytes above 0x7F beside it.
    @Test func delimitersAtEveryPlaceInAWord() throws {
        var text = ""
        var expected: [CSVRecord] = []
        var line = 1
        for length in 0..<20 {
            let plain = String(repeating: "a", count: length)
            let wide = String(repeating: "é", count: length / 2)
            let quoted = String(repeating: "q", count: length) + "\n" + String(repeating: ",", count: length % 3)
            text += "\(plain),\(wide),\"\(quoted)\",x\(plain)\"\"\n"
            expected.append(CSVRecord(line: line, fields: [plain, wide, quoted, "x" + plain + "\"\""]))
            line += 2
        }
        #expect(try readAll(text) == expected)
    }

    /// Puts each byte of a tricky record (a doubled quote, a quoted newline, CRLF) exactly
    /// on the first 64 KiB boundary in turn, so every parser state is cut by a refill.
    @Test(arguments: 0..<14)
    func everyByteOfARecordOnTheChunkBoundary(shift: Int) throws {
        let template = "1,\"a\"\"b\nc\",d\r\n"  // 14 bytes
        let padding = String(repeating: "p", count: 64 * 1024 - shift - 1) + "\n"
        let records = try readAll(padding + template + template + "2,\"e\"")
        #expect(records.count == 4)
        #expect(records.first?.fields.first?.count == 64 * 1024 - shift - 1)
        #expect(Array(records.dropFirst()) == [
            CSVRecord(line: 2, fields: ["1", "a\"b\nc", "d"]),
            CSVRecord(line: 4, fields: ["1", "a\"b\nc", "d"]),
            CSVRecord(line: 6, fields: ["2", "e"]),
        ])
    }

    @Test func onBytesSeesExactlyTheFile() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        for row in 0..<20_000 { bytes += Array("\(row),\"value \(row)\"\n".utf8) }
        #expect(bytes.count > 3 * 64 * 1024)
        var seen: [UInt8] = []
        var calls = 0
        let records = try readAll(bytes: bytes) { chunk in
            seen.append(contentsOf: chunk)
            calls += 1
        }
        #expect(records.count == 20_000)
        #expect(records.last == CSVRecord(line: 20_000, fields: ["19999", "value 19999"]))
        #expect(seen == bytes)
        #expect(calls >= 4)
    }

    @Test func missingFileIsAFileReadError() throws {
        let error = #expect(throws: FileReadError.self) {
            _ = try CSVReader(path: "/nonexistent/dropformats/x.csv")
        }
        #expect(error?.path == "/nonexistent/dropformats/x.csv")
        #expect(error?.errno == 2)  // ENOENT
        #expect(error?.message.contains("No such file or directory") == true)
    }

    @Test func directoryIsAFileReadErrorWhenOpened() throws {
        let file = try TemporaryFile("x")
        let error = #expect(throws: FileReadError.self) { _ = try CSVReader(path: file.directory.path) }
        #expect(error?.message == "not a regular file (a directory)")
    }

    /// A link is never followed and a FIFO never waited on: `RegularFile` refuses both at once.
    @Test func linksAndFIFOsAreRefusedWithoutBlocking() throws {
        let file = try TemporaryFile("a,b\n1,2\n")
        let link = file.directory.path + "/link.csv"
        #expect(symlink(file.path, link) == 0)
        let linkError = #expect(throws: FileReadError.self) { _ = try CSVReader(path: link) }
        #expect(linkError?.message == "a symbolic link, not a file: links are not followed")
        let fifo = file.directory.path + "/pipe.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        let fifoError = #expect(throws: FileReadError.self) { _ = try CSVReader(path: fifo) }
        #expect(fifoError?.message == "not a regular file (a FIFO (named pipe))")
        #expect(try CSVReader(path: file.path).next()?.fields == ["a", "b"])
    }
}

import Hummingbird
import Testing

@testable import OpenlayerSandbox

/// The streaming multipart parser: whatever the chunking of the input, the same parts come out.
@Suite struct MultipartParserTests {
    static let boundary = "----formboundary7MA4YWxkTrZu0gW"

    static let body = Array(
        """
        preamble to ignore\r
        ------formboundary7MA4YWxkTrZu0gW\r
        Content-Disposition: form-data; name="key"\r
        \r
        abc/batch.arrow\r
        ------formboundary7MA4YWxkTrZu0gW  \r
        Content-Disposition: form-data; name="file"; filename="a \\"b\\".arrow"\r
        Content-Type: application/octet-stream\r
        \r
        line\r
        ----formboundary7MA4 not a boundary\r
        \r
        ------formboundary7MA4YWxkTrZu0gW--\r
        epilogue
        """.utf8
    )

    /// The parts as (name, file name, body text), read from `body` cut into `chunkSize` pieces.
    static func parts(chunkSize: Int) throws -> [(String, String?, String)] {
        var parser = MultipartParser(boundary: boundary)
        var parts: [(String, String?, String)] = []
        var offset = 0
        var ended = false
        while !ended {
            let atEnd = offset >= body.count
            if !atEnd {
                parser.append(ByteBuffer(bytes: body[offset..<min(offset + chunkSize, body.count)]))
                offset += chunkSize
            }
            while let event = try parser.next(atEnd: atEnd) {
                switch event {
                case .partStart(let headers): parts.append((headers.name, headers.fileName, ""))
                case .body(let chunk): parts[parts.count - 1].2 += String(buffer: chunk)
                case .partEnd: break
                case .end: ended = true
                }
            }
            if atEnd { break }
        }
        #expect(ended)
        return parts
    }

    @Test(arguments: [1, 2, 3, 5, 7, 13, 64, 4096])
    func chunkingDoesNotMatter(chunkSize: Int) throws {
        let parts = try Self.parts(chunkSize: chunkSize)
        try #require(parts.count == 2)
        #expect(parts[0].0 == "key")
        #expect(parts[0].1 == nil)
        #expect(parts[0].2 == "abc/batch.arrow")
        #expect(parts[1].0 == "file")
        #expect(parts[1].1 == #"a "b".arrow"#)
        #expect(parts[1].2 == "line\r\n----formboundary7MA4 not a boundary\r\n")
    }

    @Test func unterminatedFormIsAnError() throws {
        var parser = MultipartParser(boundary: Self.boundary)
        parser.append(ByteBuffer(bytes: Self.body.prefix(200)))
        #expect(throws: SandboxError.self) {
            while try parser.next(atEnd: true) != nil {}
        }
    }

    @Test func boundaryIsReadFromTheContentType() {
        #expect(MultipartParser.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartParser.boundary(contentType: #"Multipart/Form-Data; charset=utf-8; boundary="a b""#) == "a b")
        #expect(MultipartParser.boundary(contentType: "application/json") == nil)
        #expect(MultipartParser.boundary(contentType: "multipart/form-data") == nil)
    }
}

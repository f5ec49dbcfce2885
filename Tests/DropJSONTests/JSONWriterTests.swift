import Testing
import DropJSON

private func text(_ value: JSONValue) -> String {
    String(decoding: JSONWriter.encode(value), as: UTF8.self)
}

@Suite struct JSONWriterTests {
    @Test func scalars() {
        #expect(text(.null) == "null")
        #expect(text(.bool(true)) == "true")
        #expect(text(.bool(false)) == "false")
        #expect(text(.integer(0)) == "0")
        #expect(text(.integer(-42)) == "-42")
        #expect(text(.integer(Int64.max)) == "9223372036854775807")
        #expect(text(.integer(Int64.min)) == "-9223372036854775808")
    }

    @Test func doublesAlwaysLookLikeDoubles() {
        #expect(text(.double(1.0)) == "1.0")
        #expect(text(.double(-0.0)) == "-0.0")
        #expect(text(.double(0.1)) == "0.1")
        #expect(text(.double(1e-5)) == "1e-05")
        #expect(text(.double(1.5e20)) == "1.5e+20")
        #expect(text(.double(1e16)) == "1e+16")
        #expect(text(.double(123456.75)) == "123456.75")
        #expect(text(.double(.infinity)) == "null")
        #expect(text(.double(-.infinity)) == "null")
        #expect(text(.double(.nan)) == "null")
    }

    @Test func doublesRoundTripExactly() throws {
        let values: [Double] = [1.0, 0.1, 1e-5, 1.5e20, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -2.2250738585072014e-308, 1e16, 9007199254740992, 0.30000000000000004]
        for value in values {
            #expect(try JSONParser.parse(JSONWriter.encode(.double(value))) == .double(value))
        }
    }

    @Test func stringEscapes() {
        #expect(text(.string("a\"b\\c/d")) == #""a\"b\\c/d""#)
        #expect(text(.string("\n\r\t\u{08}\u{0C}")) == #""\n\r\t\b\f""#)
        #expect(text(.string("\u{0}\u{1F}\u{7F}")) == "\"\\u0000\\u001f\u{7F}\"")
        #expect(text(.string("é€😀")) == "\"é€😀\"")
        #expect(JSONWriter.encode(.string("é")) == [0x22, 0xC3, 0xA9, 0x22])
    }

    @Test func compactObjectsInOrder() {
        let object = JSONObject([
            .init(key: "z", value: .integer(1)),
            .init(key: "a", value: .array([.double(1), .null, .string("x")])),
            .init(key: "k\"", value: .object(JSONObject())),
            .init(key: "e", value: .array([])),
        ])
        #expect(text(.object(object)) == #"{"z":1,"a":[1.0,null,"x"],"k\"":{},"e":[]}"#)
    }

    @Test func appendsToAnExistingBuffer() {
        var buffer = Array("[".utf8)
        JSONWriter.append(.integer(7), to: &buffer)
        buffer.append(UInt8(ascii: ","))
        JSONWriter.appendString("q\"", to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"[7,"q\"""#)
    }

    @Test func roundTrips() throws {
        let texts = [
            #"{"id":1,"score":1.0,"tags":["a","b"],"meta":{"nested":[null,true,false,-0.5]},"t":"line\nbreak \"q\" \\ é😀\u0001"}"#,
            #"[]"#,
            #"{}"#,
            #"[[[[1]]],{"":""}]"#,
            #""\u007f\u0000""#,
        ]
        for original in texts {
            let value = try JSONParser.parse(original)
            let written = JSONWriter.encode(value)
            #expect(try JSONParser.parse(written) == value)
            #expect(JSONWriter.encode(try JSONParser.parse(written)) == written)
        }
        let canonical = #"{"b":2,"a":[1,1.0,"x\ty"]}"#
        #expect(text(try JSONParser.parse(canonical)) == canonical)
    }
}

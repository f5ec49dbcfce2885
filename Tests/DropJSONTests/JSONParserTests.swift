import Testing
import DropJSON

private func parseError(_ text: String) -> FormatError? {
    #expect(throws: FormatError.self) { try JSONParser.parse(text) }
}

@Suite struct JSONParserTests {
    @Test func scalars() throws {
        #expect(try JSONParser.parse("null") == .null)
        #expect(try JSONParser.parse(" true ") == .bool(true))
        #expect(try JSONParser.parse("false") == .bool(false))
        #expect(try JSONParser.parse("\"hi\"") == .string("hi"))
        #expect(try JSONParser.parse("0") == .integer(0))
        #expect(try JSONParser.parse("-12") == .integer(-12))
        #expect(try JSONParser.parse("1.0") == .double(1.0))
        #expect(try JSONParser.parse("1e2") == .double(100))
        #expect(try JSONParser.parse("-0.25E-1") == .double(-0.025))
        #expect(try JSONParser.parse("0.1") == .double(0.1))
    }

    @Test func integerLimits() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .integer(Int64.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .integer(Int64.min))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9223372036854775808.0))
        #expect(try JSONParser.parse("-9223372036854775809") == .double(-9223372036854775809.0))
        #expect(try JSONParser.parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
    }

    @Test func objectsKeepKeyOrderAndLastDuplicateWins() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":[1,2.5,{"x":null}],"b":"again","c":{}}"#)
        guard case .object(let object) = value else {
            Issue.record("not an object: \(value)")
            return
        }
        #expect(object.keys == ["b", "a", "c"])
        #expect(object["b"] == .string("again"))
        #expect(object["a"] == .array([.integer(1), .double(2.5), .object(JSONObject([.init(key: "x", value: .null)]))]))
        #expect(object["c"] == .object(JSONObject()))
    }

    @Test func duplicatesInWideObjects() throws {
        var text = "{"
        for key in 0..<100 { text += "\"k\(key)\":\(key)," }
        text += "\"k5\":-1,\"k99\":-2,\"k100\":100}"
        guard case .object(let object) = try JSONParser.parse(text) else {
            Issue.record("not an object")
            return
        }
        #expect(object.count == 101)
        #expect(object.keys[5] == "k5")
        #expect(object["k5"] == .integer(-1))
        #expect(object["k99"] == .integer(-2))
        #expect(object.keys.last == "k100")
    }

    @Test func stringEscapes() throws {
        #expect(try JSONParser.parse(#""a\"b\\c\/d\be\ff\ng\rh\ti""#) == .string("a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti"))
        #expect(try JSONParser.parse(#""\u0041\u00e9\u20AC\u0000""#) == .string("Aé€\u{0}"))
        #expect(try JSONParser.parse(#""x\ud83d\ude00y""#) == .string("x😀y"))
        #expect(try JSONParser.parse("\"raw é€😀 text\"") == .string("raw é€😀 text"))
    }

    @Test func invalidStrings() {
        #expect(parseError(#""\ud83d""#) == FormatError(
            line: 1, position: 8, message: "expected a low surrogate escape (\\uDC00 to \\uDFFF) after a high surrogate"))
        #expect(parseError(#""\ude00""#)?.position == 2)
        #expect(parseError(#""\u12G4""#) == FormatError(line: 1, position: 6, message: "expected four hex digits after \\u"))
        #expect(parseError(#""\x""#)?.position == 3)
        #expect(parseError("\"a\tb\"")?.position == 3)
        #expect(parseError("\"abc")?.position == 5)
    }

    @Test func invalidUTF8InStringIsAnError() {
        let bytes: [[UInt8]] = [
            [0x22, 0x61, 0xFF, 0x22],  // not a lead byte
            [0x22, 0x61, 0xC3, 0x22],  // truncated
            [0x22, 0x61, 0xC0, 0xAF, 0x22],  // overlong
            [0x22, 0x61, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
        ]
        let positions = [3, 4, 3, 4]
        for (input, position) in zip(bytes, positions) {
            let error = #expect(throws: FormatError.self) { try JSONParser.parse(input) }
            #expect(error == FormatError(line: 1, position: position, message: "expected valid UTF-8 in a string"))
        }
    }

    @Test func strictGrammar() {
        #expect(parseError("[1,2,]") == FormatError(line: 1, position: 6, message: "expected a JSON value"))
        #expect(parseError(#"{"a":1,}"#) == FormatError(line: 1, position: 8, message: "expected a '\"' to start an object key"))
        #expect(parseError(#"{"a":1 "b":2}"#) == FormatError(line: 1, position: 8, message: "expected ',' or '}' after an object value"))
        #expect(parseError("[1 2]") == FormatError(line: 1, position: 4, message: "expected ',' or ']' after an array value"))
        #expect(parseError("NaN")?.position == 1)
        #expect(parseError("[Infinity]")?.position == 2)
        #expect(parseError("01")?.message == "expected no leading zero in a number")
        #expect(parseError("1.")?.position == 3)
        #expect(parseError("1e+")?.position == 4)
        #expect(parseError("-")?.position == 2)
        #expect(parseError("+1")?.position == 1)
        #expect(parseError("[1] // comment")?.message == "expected the end of the text after the JSON value")
        #expect(parseError("")?.message == "expected a JSON value")
        #expect(parseError("nul")?.position == 4)
        #expect(parseError("1e400")?.message == "expected a number within the range of a 64-bit double")
    }

    @Test func errorPositionsCountLinesAndCharacters() {
        #expect(parseError("{\n  \"a\": 1,\n  \"é\": tx\n}") == FormatError(line: 3, position: 9, message: "expected 'true'"))
        let error = #expect(throws: FormatError.self) { try JSONParser.parse("[\"€\", x]", line: 41) }
        #expect(error == FormatError(line: 41, position: 7, message: "expected a JSON value"))
        #expect(error?.description == "line 41, column 7: expected a JSON value")
    }

    @Test func nestingLimit() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try JSONParser.parse(ok) }
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(parseError(tooDeep) == FormatError(
            line: 1, position: 513, message: "expected at most 512 levels of nested arrays and objects"))
        let deepObjects = String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600)
        #expect(parseError(deepObjects)?.position == 513 * 5 - 4)
    }

    @Test func rawBufferOverload() throws {
        let bytes = Array(#"{"k":[true,false]}"#.utf8)
        let value = try bytes.withUnsafeBytes { buffer in try JSONParser.parse(buffer) }
        #expect(value == .object(JSONObject([.init(key: "k", value: .array([.bool(true), .bool(false)]))])))
    }
}

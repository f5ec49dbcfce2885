import DropFormats
import Testing

@Suite struct ControlCharactersTests {
    @Test func controlCharactersAreEscapedAndTheRestKept() {
        #expect("plain café.csv".escapingControlCharacters == "plain café.csv")
        #expect("a\nb\rc\td".escapingControlCharacters == #"a\nb\rc\td"#)
        #expect("bell\u{7}esc\u{1B}[31mdel\u{7F}c1\u{85}".escapingControlCharacters == #"bell\u{7}esc\u{1B}[31mdel\u{7F}c1\u{85}"#)
        #expect("line\u{2028}sep".escapingControlCharacters == #"line\u{2028}sep"#)
    }
}

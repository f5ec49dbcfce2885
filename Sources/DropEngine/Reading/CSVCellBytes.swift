import DropJSON

/// `CSVCell`'s rules read straight off a cell's bytes, for the fast path of `CSVRowEncoder`.
///
/// Each function answers only where it is sure to agree with `CSVCell`; anything else (a sign
/// or spaces around a number, leading zeros, `-0`, huge exponents, invalid UTF-8) gets nil or
/// false, and the row then goes through `RowTyper`, which decides it the general way.
enum CSVCellBytes {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// `CSVCell.missingValueWords` (`CSVRowEncoderTests` checks that the two agree). Inlined:
    /// every cell asks, and nearly every one is answered by its first byte.
    @inline(__always)
    static func isMissing(_ cell: Bytes) -> Bool {
        guard let first = cell.first else { return true }
        // Every word starts with one of these and is at most 8 bytes long: most cells stop here.
        switch first {
        case UInt8(ascii: "#"), UInt8(ascii: "<"), UInt8(ascii: "N"), UInt8(ascii: "n"), UInt8(ascii: "1"), UInt8(ascii: "-"):
            return cell.count <= 8 && isMissingWord(cell, first: first)
        default:
            return false
        }
    }

    private static func isMissingWord(_ cell: Bytes, first: UInt8) -> Bool {
        switch first {
        case UInt8(ascii: "1"):
            // Only `1.#IND` and `1.#QNAN`: a number such as 12.5 stops at its second byte.
            guard cell.count >= 5, cell[1] == UInt8(ascii: "."), cell[2] == UInt8(ascii: "#") else { return false }
        case UInt8(ascii: "-"):
            // `-NaN`, `-nan`, `-1.#IND`, `-1.#QNAN`: a negative number stops here too.
            guard cell.count >= 4 else { return false }
            let second = cell[1]
            guard second == UInt8(ascii: "N") || second == UInt8(ascii: "n") || (second == UInt8(ascii: "1") && cell[2] == UInt8(ascii: ".") && cell[3] == UInt8(ascii: "#")) else { return false }
        default:
            break
        }
        let word = Word(cell)
        return missingWords.contains(word)
    }

    static func boolean(_ cell: Bytes) -> Bool? {
        guard cell.count == 4 || cell.count == 5 else { return nil }
        let word = Word(cell)
        if trueWords.contains(word) { return true }
        if falseWords.contains(word) { return false }
        return nil
    }

    /// A cell of at most 8 bytes as one integer and its length: a word is then found by
    /// comparing integers, not bytes one by one.
    private struct Word: Equatable {
        var bytes: UInt64 = 0
        var count: Int

        init(_ cell: Bytes) {
            count = cell.count
            for (index, byte) in cell.prefix(8).enumerated() { bytes |= UInt64(byte) << (8 * index) }
        }

        init(_ word: String) {
            self = Array(word.utf8).withUnsafeBufferPointer { Word($0) }
        }
    }

    private static let missingWords: [Word] = CSVCell.missingValueWords.filter { !$0.isEmpty }.map(Word.init)
    private static let trueWords: [Word] = ["True", "TRUE", "true"].map(Word.init)
    private static let falseWords: [Word] = ["False", "FALSE", "false"].map(Word.init)

    enum Number {
        case integer(Int64)
        /// A finite double, spelled as JSON spells numbers: its bytes can be sent as they are.
        case double
    }

    /// A number already in JSON's own spelling (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`),
    /// an integer within 64 bits or a double far from overflow; nil for anything else.
    static func canonicalNumber(_ cell: Bytes) -> Number? {
        let count = cell.count
        var index = 0
        let negative = count > 0 && cell[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < count, isDigit(cell[index]) else { return nil }
        let integerStart = index
        // The integer part's value as it is read: exact up to 18 digits, which is all but the
        // rarest integers, so they are not read twice.
        var magnitude: UInt64 = 0
        if cell[index] == UInt8(ascii: "0") {
            index += 1
            if index < count, isDigit(cell[index]) { return nil }
        } else {
            while index < count {
                let digit = cell[index] &- UInt8(ascii: "0")
                guard digit <= 9 else { break }
                magnitude = magnitude &* 10 &+ UInt64(digit)
                index += 1
            }
        }
        let integerDigits = index - integerStart
        var isInteger = true
        if index < count, cell[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < count, isDigit(cell[index]) else { return nil }
            while index < count, isDigit(cell[index]) { index += 1 }
        }
        var exponent = 0
        if index < count, cell[index] == UInt8(ascii: "e") || cell[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            var negativeExponent = false
            if index < count, cell[index] == UInt8(ascii: "+") || cell[index] == UInt8(ascii: "-") {
                negativeExponent = cell[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < count, isDigit(cell[index]) else { return nil }
            var digits = 0
            while index < count, isDigit(cell[index]) {
                exponent = exponent * 10 + Int(cell[index] &- UInt8(ascii: "0"))
                digits += 1
                if digits > 4 { return nil }
                index += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        guard index == count else { return nil }
        guard isInteger else {
            // Far from the double's range either way: what is sent reads back as what was written.
            return exponent >= -300 && exponent <= 300 - integerDigits ? .double : nil
        }
        // "-0" reads as the integer 0 but as the double -0.0: leave that to CSVCell.
        if negative, integerDigits == 1, cell[integerStart] == UInt8(ascii: "0") { return nil }
        if integerDigits <= 18 {
            let value = Int64(magnitude)
            return .integer(negative ? -value : value)
        }
        guard integerDigits <= 19 else { return nil }
        var value: Int64 = 0
        for position in integerStart..<count {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(cell[position] &- UInt8(ascii: "0")))
            if overflow || overflow2 { return nil }
            value = next
        }
        if negative { return .integer(value) }
        let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
        return overflow ? nil : .integer(positive)
    }

    /// Whether `CSVCell.number` could read the cell as a number at all (infinity aside, which a
    /// column the config does not name keeps as text): it starts with a digit, a sign, a point
    /// or a blank.
    static func mayBeNumber(_ cell: Bytes) -> Bool {
        guard let first = cell.first else { return false }
        return isDigit(first) || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
            || first == UInt8(ascii: " ") || first == UInt8(ascii: "\t")
    }

    /// Printable ASCII without `"` or `\`: text that is valid UTF-8 and that JSON takes as it
    /// is, found in one pass (most text cells are such).
    @inline(__always)
    static func isPlainText(_ cell: Bytes) -> Bool {
        for byte in cell where byte &- 0x20 >= 0x5F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
        return true
    }

    /// Well-formed UTF-8 (RFC 3629): what `String(decoding:as:)` keeps without replacing.
    static func isValidUTF8(_ cell: Bytes) -> Bool {
        var index = 0
        let count = cell.count
        while index < count {
            let lead = cell[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            guard let sequence = UTF8Lead(lead) else { return false }
            let length = sequence.length
            guard index + length <= count, sequence.secondByte.contains(cell[index + 1]) else { return false }
            for offset in 2..<length where cell[index + offset] & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") <= 9 }

}

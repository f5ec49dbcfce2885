import DropJSON

/// Finds the next delimiter a word (8 bytes) at a time: most fields are shorter than a word, so
/// one load and a few arithmetic steps replace a compare and a branch per byte.
enum ByteWords {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// A high bit in each byte of `word` equal to `byte`. A byte above a match may be marked
    /// too (a borrow), but the lowest mark is always a match: only the lowest is used.
    @inline(__always)
    private static func marks(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let differences = word ^ (ones &* UInt64(byte))
        return (differences &- ones) & ~differences & highs
    }

    /// The offset of the first `delimiter` or line feed in `bytes[start..<end]`, or `end`.
    @inline(__always)
    static func first(_ delimiter: UInt8, orLineFeedIn bytes: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var position = start
        while position + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes + position).loadUnaligned(as: UInt64.self))
            let found = marks(word, delimiter) | marks(word, ASCII.lineFeed)
            if found != 0 { return position + found.trailingZeroBitCount >> 3 }
            position += 8
        }
        while position < end, bytes[position] != delimiter, bytes[position] != ASCII.lineFeed { position += 1 }
        return position
    }
}

import DropJSON

/// Where `CSVRowEncoder` writes a row: the JSON of a request body, or nowhere.
///
/// The survey and the Arrow writer need only the encoder's verdict on each row (and a bulk
/// file the generated id), not its JSON; writing JSON there cost a quarter of their time.
/// The encoder is generic over its output, so each caller gets a copy of it that writes what
/// it needs and nothing more, from the same code and so with the same verdicts.
protocol EncodedRowOutput {
    var count: Int { get }
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
    mutating func append(contentsOf bytes: [UInt8])
    /// Appends the first `count` (at most 8) bytes of `word` in memory order: short constants
    /// such as `null` with one store, where a constant array is a lazy global and a retain.
    mutating func append(word: UInt64, count: Int)
    /// Drops what was written from `position` on: a row given up on leaves nothing behind.
    mutating func truncate(to position: Int)
    mutating func appendJSONString(utf8 bytes: UnsafeBufferPointer<UInt8>)
    /// Appends text with nothing to escape (`CSVCellBytes.isPlainText`) between quotes.
    mutating func appendPlainJSONString(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Appends `count` bytes from `words`, which can be read in whole words past them (a
    /// `PaddedKeys` slot): a short copy without a call to `memmove`.
    mutating func append(words: UnsafePointer<UInt64>, count: Int)
    mutating func appendJSONInteger(_ value: Int64)
    /// Writes the id generated for row `ordinal` (without quotes); returns where its bytes
    /// are, in `generatedIdBytes`.
    mutating func appendInferenceId(_ ids: GeneratedIds, ordinal: Int) -> Range<Int>
    /// The bytes a range from `appendInferenceId` points into.
    func withGeneratedId<Result>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result
}

/// JSON into a request body.
extension Array: EncodedRowOutput where Element == UInt8 {
    mutating func append(word: UInt64, count: Int) {
        for index in 0..<count { append(UInt8(truncatingIfNeeded: word >> (8 * index))) }
    }

    mutating func truncate(to position: Int) {
        removeSubrange(position...)
    }

    mutating func appendJSONString(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        JSONWriter.appendString(utf8: bytes, to: &self)
    }

    mutating func appendPlainJSONString(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        append(contentsOf: bytes)
        append(UInt8(ascii: "\""))
    }

    mutating func append(words: UnsafePointer<UInt64>, count: Int) {
        append(contentsOf: UnsafeBufferPointer(start: UnsafeRawPointer(words).assumingMemoryBound(to: UInt8.self), count: count))
    }

    mutating func appendJSONInteger(_ value: Int64) {
        JSONWriter.appendInteger(value, to: &self)
    }

    mutating func appendInferenceId(_ ids: GeneratedIds, ordinal: Int) -> Range<Int> {
        let start = count
        ids.append(forRow: ordinal, to: &self)
        return start..<count
    }

    func withGeneratedId<Result>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }
}

/// Nothing but the generated id: for the survey, and for the Arrow columns of a bulk file.
struct VerdictOnly: EncodedRowOutput {
    private var generatedId: [UInt8] = []

    var count: Int { 0 }
    mutating func append(_ byte: UInt8) {}
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {}
    mutating func append(contentsOf bytes: [UInt8]) {}
    mutating func append(word: UInt64, count: Int) {}
    mutating func truncate(to position: Int) {}
    mutating func appendJSONString(utf8 bytes: UnsafeBufferPointer<UInt8>) {}
    mutating func appendPlainJSONString(_ bytes: UnsafeBufferPointer<UInt8>) {}
    mutating func append(words: UnsafePointer<UInt64>, count: Int) {}
    mutating func appendJSONInteger(_ value: Int64) {}

    mutating func appendInferenceId(_ ids: GeneratedIds, ordinal: Int) -> Range<Int> {
        generatedId.removeAll(keepingCapacity: true)
        ids.append(forRow: ordinal, to: &generatedId)
        return 0..<generatedId.count
    }

    func withGeneratedId<Result>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try generatedId.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }
}

/// JSON into a buffer of its own, for the rows of a request body: an append is a bounds check
/// and a copy. Appending to an `Array` also checks its uniqueness and retains and releases its
/// storage at every call, a tenth of the publishing pass at sixteen calls a row.
final class JSONRowBytes: EncodedRowOutput {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 4096) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Empties the buffer for the next row, keeping its memory.
    func removeAll() {
        count = 0
    }

    /// The bytes written since the last `removeAll`.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The start of the bytes, to move them about in place; valid until the next append.
    func withMutableBase<Result>(_ body: (UnsafeMutablePointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(base)
    }

    @inline(__always)
    private func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        var grown = capacity * 2
        while grown < count + more { grown *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    @inline(__always)
    func append(word: UInt64, count: Int) {
        reserve(8)
        UnsafeMutableRawPointer(base + self.count).storeBytes(of: word.littleEndian, as: UInt64.self)
        self.count += count
    }

    func truncate(to position: Int) {
        count = min(count, max(0, position))
    }

    func appendJSONString(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        // Most cells need no escape: then the string is its bytes between quotes.
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else {
            var escaped: [UInt8] = []
            JSONWriter.appendString(utf8: bytes, to: &escaped)
            append(contentsOf: escaped)
            return
        }
        reserve(bytes.count + 2)
        append(UInt8(ascii: "\""))
        append(contentsOf: bytes)
        append(UInt8(ascii: "\""))
    }

    @inline(__always)
    func appendPlainJSONString(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count + 2)
        base[count] = UInt8(ascii: "\"")
        if let source = bytes.baseAddress { (base + count + 1).update(from: source, count: bytes.count) }
        base[count + 1 + bytes.count] = UInt8(ascii: "\"")
        count += bytes.count + 2
    }

    @inline(__always)
    func append(words: UnsafePointer<UInt64>, count: Int) {
        let wordCount = (count + 7) / 8
        reserve(wordCount * 8)
        let destination = UnsafeMutableRawPointer(base + self.count)
        for index in 0..<wordCount {
            destination.storeBytes(of: words[index], toByteOffset: 8 * index, as: UInt64.self)
        }
        self.count += count
    }

    func appendJSONInteger(_ value: Int64) {
        JSONWriter.withDecimalText(of: value) { append(contentsOf: $0) }
    }

    func appendInferenceId(_ ids: GeneratedIds, ordinal: Int) -> Range<Int> {
        reserve(InferenceIdGenerator.length)
        let start = count
        ids.write(forRow: ordinal, into: UnsafeMutableBufferPointer(start: base + count, count: InferenceIdGenerator.length))
        count += InferenceIdGenerator.length
        return start..<count
    }

    func withGeneratedId<Result>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }
}

/// Up to 24 bytes held in three words, appended with three stores (`append(word:count:)`): the
/// default timestamp's digits, written into every row that has none.
struct ShortBytes {
    private var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
    let count: Int

    init(_ bytes: [UInt8]) {
        precondition(bytes.count <= 24, "at most 24 bytes")
        count = bytes.count
        withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: bytes) }
    }

    @inline(__always)
    func append<Output: EncodedRowOutput>(to out: inout Output) {
        out.append(word: UInt64(littleEndian: words.0), count: min(8, count))
        if count > 8 { out.append(word: UInt64(littleEndian: words.1), count: min(8, count - 8)) }
        if count > 16 { out.append(word: UInt64(littleEndian: words.2), count: count - 16) }
    }
}

/// JSON's words as `append(word:count:)` takes them.
enum JSONWords {
    static let null: UInt64 = 0x6C6C_756E  // "null"
    static let `true`: UInt64 = 0x6575_7274  // "true"
    static let `false`: UInt64 = 0x65_736C_6166  // "false"
    static let pointZero: UInt64 = 0x302E  // ".0"
}

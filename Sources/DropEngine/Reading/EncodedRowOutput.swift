import DropFormats

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
    /// Drops what was written from `position` on: a row given up on leaves nothing behind.
    mutating func truncate(to position: Int)
    mutating func appendJSONString(utf8 bytes: UnsafeBufferPointer<UInt8>)
    mutating func appendJSONInteger(_ value: Int64)
    /// Writes the id generated for row `ordinal` (without quotes); returns where its bytes
    /// are, in `generatedIdBytes`.
    mutating func appendInferenceId(_ ids: InferenceIdGenerator, ordinal: Int) -> Range<Int>
    /// The bytes a range from `appendInferenceId` points into.
    func withGeneratedId<Result>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result
}

/// JSON into a request body.
extension Array: EncodedRowOutput where Element == UInt8 {
    mutating func truncate(to position: Int) {
        removeSubrange(position...)
    }

    mutating func appendJSONString(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        JSONWriter.appendString(utf8: bytes, to: &self)
    }

    mutating func appendJSONInteger(_ value: Int64) {
        JSONWriter.appendInteger(value, to: &self)
    }

    mutating func appendInferenceId(_ ids: InferenceIdGenerator, ordinal: Int) -> Range<Int> {
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
    mutating func truncate(to position: Int) {}
    mutating func appendJSONString(utf8 bytes: UnsafeBufferPointer<UInt8>) {}
    mutating func appendJSONInteger(_ value: Int64) {}

    mutating func appendInferenceId(_ ids: InferenceIdGenerator, ordinal: Int) -> Range<Int> {
        generatedId.removeAll(keepingCapacity: true)
        ids.append(forRow: ordinal, to: &generatedId)
        return 0..<generatedId.count
    }

    func withGeneratedId<Result>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try generatedId.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }
}

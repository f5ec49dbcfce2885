import DropJSON

/// The buffers of one column of the record batch being built. Values are checked by
/// `extent(of:)` for the whole row before any column takes one, so a row that throws leaves
/// the batch as it was; `append` then cannot fail.
struct ArrowColumnBuilder {
    let field: ArrowField
    private(set) var count = 0
    private var nullCount = 0
    private var validity = ArrowBitmap()
    /// int64 and double values, and the doubles of a list column's items, as little-endian bits.
    private var words: [UInt64] = []
    /// bool values.
    private var flags = ArrowBitmap()
    /// utf8 and list offsets, little-endian; `offsetEnd` is the last one as a number.
    private var offsets: [Int32] = [0]
    private var offsetEnd = 0
    /// utf8 data.
    private var text: [UInt8] = []

    init(field: ArrowField) {
        self.field = field
    }

    /// Throws unless `value` fits the column; returns how far it advances the column's offsets
    /// (bytes of a string, items of a list; 0 for the other types).
    func extent(of value: JSONValue) throws(ArrowError) -> Int {
        switch (field.type, value) {
        case (_, .null) where field.nullable: return 0
        case (.int64, .integer), (.double, .double), (.double, .integer), (.bool, .bool): return 0
        case (.utf8, .string(let string)): return string.utf8.count
        case (.listOfDouble, .array(let items)):
            for item in items {
                switch item {
                case .double, .integer: continue
                default: throw .valueMismatch(column: field.name, type: field.type, value: value)
                }
            }
            return items.count
        default:
            throw .valueMismatch(column: field.name, type: field.type, value: value)
        }
    }

    /// Whether a value of `extent` still fits this batch's 32-bit offsets.
    func hasRoom(for extent: Int) -> Bool {
        extent <= Int(Int32.max) - offsetEnd
    }

    /// Appends a value that `extent(of:)` accepted. Integers in a double column are converted
    /// (exactly up to 2^53, rounded beyond, as any JSON reader would).
    mutating func append(_ value: JSONValue) {
        switch (field.type, value) {
        case (_, .null): appendNull()
        case (.int64, .integer(let number)): append(int64: number)
        case (.double, .integer(let number)): append(double: Double(number))
        case (.double, .double(let number)): append(double: number)
        case (.bool, .bool(let flag)): append(bool: flag)
        case (.utf8, .string(var string)): string.withUTF8 { append(utf8: $0) }
        case (.listOfDouble, .array(let items)):
            let numbers = items.map { item -> Double in
                switch item {
                case .double(let number): number
                case .integer(let number): Double(number)
                default: preconditionFailure("extent(of:) admits only numbers in a list")
                }
            }
            numbers.withUnsafeBufferPointer { append(doubles: $0) }
        default:
            preconditionFailure("append(_:) of a value that extent(of:) rejects")
        }
    }

    // MARK: Typed values, for writers without `JSONValue`s (the caller matches the column's type)

    mutating func appendNull() {
        count += 1
        validity.append(false)
        nullCount += 1
        switch field.type {
        case .int64, .double: words.append(0)
        case .bool: flags.append(false)
        case .utf8, .listOfDouble: offsets.append(Int32(offsetEnd).littleEndian)
        }
    }

    mutating func append(int64 number: Int64) {
        count += 1
        validity.append(true)
        words.append(UInt64(bitPattern: number).littleEndian)
    }

    mutating func append(double number: Double) {
        count += 1
        validity.append(true)
        words.append(number.bitPattern.littleEndian)
    }

    mutating func append(bool flag: Bool) {
        count += 1
        validity.append(true)
        flags.append(flag)
    }

    mutating func append(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        count += 1
        validity.append(true)
        text.append(contentsOf: bytes)
        offsetEnd = text.count
        offsets.append(Int32(offsetEnd).littleEndian)
    }

    mutating func append(doubles items: UnsafeBufferPointer<Double>) {
        count += 1
        validity.append(true)
        for number in items { words.append(number.bitPattern.littleEndian) }
        offsetEnd += items.count
        offsets.append(Int32(offsetEnd).littleEndian)
    }

    /// Adds this column's field nodes and buffers, in Arrow's depth-first order. The validity
    /// bitmap is left out (length 0) when the batch has no null, as pyarrow does.
    func layout(nodes: inout [ArrowRecordBatchHeader.Node], buffers: inout [ArrowBodyBuffer]) {
        nodes.append(.init(length: count, nullCount: nullCount))
        buffers.append(nullCount > 0 ? .bytes(validity.bytes) : .empty)
        switch field.type {
        case .int64, .double:
            buffers.append(.words(words))
        case .bool:
            buffers.append(.bytes(flags.bytes))
        case .utf8:
            buffers.append(.offsets(offsets))
            buffers.append(.bytes(text))
        case .listOfDouble:
            buffers.append(.offsets(offsets))
            nodes.append(.init(length: words.count, nullCount: 0))
            buffers.append(.empty)
            buffers.append(.words(words))
        }
    }

    /// Empties the column for the next batch, keeping its storage.
    mutating func reset() {
        count = 0
        nullCount = 0
        validity.removeAll()
        words.removeAll(keepingCapacity: true)
        flags.removeAll()
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        offsetEnd = 0
        text.removeAll(keepingCapacity: true)
    }
}

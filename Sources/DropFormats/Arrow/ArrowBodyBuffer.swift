/// One buffer of a record batch body, kept in the array type it was built in so that writing
/// it is one copy into the output and no conversion. Every element is already little-endian.
enum ArrowBodyBuffer {
    case bytes([UInt8])
    case words([UInt64])
    case offsets([Int32])

    /// An absent buffer, e.g. the validity bitmap of a column without nulls.
    static let empty = ArrowBodyBuffer.bytes([])

    var byteCount: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .words(let words): 8 * words.count
        case .offsets(let offsets): 4 * offsets.count
        }
    }

    func write(to output: ArrowFileOutput) throws {
        switch self {
        case .bytes(let bytes): try Self.write(bytes, to: output)
        case .words(let words): try Self.write(words, to: output)
        case .offsets(let offsets): try Self.write(offsets, to: output)
        }
    }

    private static func write<Element>(_ elements: [Element], to output: ArrowFileOutput) throws {
        try elements.withUnsafeBufferPointer { try output.write(UnsafeRawBufferPointer($0)) }
    }
}

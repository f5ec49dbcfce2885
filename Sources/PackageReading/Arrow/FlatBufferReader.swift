/// A bounds-checked view of one FlatBuffers table in a metadata buffer. Every read checks its
/// offsets, so a corrupt or hostile file yields `ArrowDecodingProblem.malformed` rather than a
/// crash of the server that received it.
struct FlatBufferReader {
    let buffer: [UInt8]
    let position: Int
    private let vtable: Int
    private let vtableSize: Int

    /// The table the buffer's first 4 bytes point to.
    static func root(of buffer: [UInt8]) throws(ArrowDecodingProblem) -> FlatBufferReader {
        let offset = try load(UInt32.self, at: 0, in: buffer)
        return try FlatBufferReader(buffer: buffer, position: Int(offset))
    }

    private init(buffer: [UInt8], position: Int) throws(ArrowDecodingProblem) {
        let relative = try Self.load(Int32.self, at: position, in: buffer)
        let vtable = position - Int(relative)
        let vtableSize = Int(try Self.load(UInt16.self, at: vtable, in: buffer))
        guard vtableSize >= 4, vtableSize % 2 == 0, vtable + vtableSize <= buffer.count else {
            throw .malformed("metadata table at \(position) has a bad vtable")
        }
        self.buffer = buffer
        self.position = position
        self.vtable = vtable
        self.vtableSize = vtableSize
    }

    func scalar<T: FixedWidthInteger>(_ slot: Int, default value: T) throws(ArrowDecodingProblem) -> T {
        guard let at = try fieldPosition(slot) else { return value }
        return try Self.load(T.self, at: at, in: buffer)
    }

    func bool(_ slot: Int) throws(ArrowDecodingProblem) -> Bool {
        try scalar(slot, default: UInt8(0)) != 0
    }

    func table(_ slot: Int) throws(ArrowDecodingProblem) -> FlatBufferReader? {
        guard let at = try target(of: slot) else { return nil }
        return try FlatBufferReader(buffer: buffer, position: at)
    }

    func string(_ slot: Int) throws(ArrowDecodingProblem) -> String? {
        guard let at = try target(of: slot) else { return nil }
        let count = Int(try Self.load(UInt32.self, at: at, in: buffer))
        guard count <= buffer.count - at - 4 else { throw .malformed("metadata string at \(at) overruns the buffer") }
        guard let text = String(validating: buffer[(at + 4)..<(at + 4 + count)], as: UTF8.self) else {
            throw .malformed("metadata string at \(at) is not UTF-8")
        }
        return text
    }

    func tables(_ slot: Int) throws(ArrowDecodingProblem) -> [FlatBufferReader]? {
        guard let at = try target(of: slot) else { return nil }
        let count = try vectorCount(at: at, elementSize: 4)
        var tables: [FlatBufferReader] = []
        tables.reserveCapacity(count)
        for index in 0..<count {
            let element = at + 4 + 4 * index
            let offset = try Self.load(UInt32.self, at: element, in: buffer)
            tables.append(try FlatBufferReader(buffer: buffer, position: element + Int(offset)))
        }
        return tables
    }

    /// A vector of structs of two `long`s (`FieldNode`, `Buffer`).
    func int64Pairs(_ slot: Int) throws(ArrowDecodingProblem) -> [(Int64, Int64)]? {
        guard let at = try target(of: slot) else { return nil }
        let count = try vectorCount(at: at, elementSize: 16)
        var pairs: [(Int64, Int64)] = []
        pairs.reserveCapacity(count)
        for index in 0..<count {
            let element = at + 4 + 16 * index
            pairs.append((try Self.load(Int64.self, at: element, in: buffer), try Self.load(Int64.self, at: element + 8, in: buffer)))
        }
        return pairs
    }

    /// Where the slot's inline value is, or nil when the slot is absent (its default applies).
    private func fieldPosition(_ slot: Int) throws(ArrowDecodingProblem) -> Int? {
        let entry = 4 + 2 * slot
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(try Self.load(UInt16.self, at: vtable + entry, in: buffer))
        return offset == 0 ? nil : position + offset
    }

    /// Where the object a reference slot points to starts.
    private func target(of slot: Int) throws(ArrowDecodingProblem) -> Int? {
        guard let at = try fieldPosition(slot) else { return nil }
        return at + Int(try Self.load(UInt32.self, at: at, in: buffer))
    }

    private func vectorCount(at position: Int, elementSize: Int) throws(ArrowDecodingProblem) -> Int {
        let count = Int(try Self.load(UInt32.self, at: position, in: buffer))
        guard count <= (buffer.count - position - 4) / elementSize else {
            throw .malformed("metadata vector at \(position) overruns the buffer")
        }
        return count
    }

    private static func load<T: FixedWidthInteger>(_ type: T.Type, at position: Int, in buffer: [UInt8]) throws(ArrowDecodingProblem) -> T {
        guard position >= 0, position <= buffer.count - MemoryLayout<T>.size else {
            throw .malformed("metadata offset \(position) is outside its \(buffer.count) bytes")
        }
        return buffer.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: T.self)) }
    }
}

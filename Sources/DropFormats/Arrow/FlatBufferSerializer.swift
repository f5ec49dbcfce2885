/// Lays out a `FlatBufferTable` tree front to back: each table is preceded by its vtable (so the
/// table's signed vtable offset is positive) and followed by what it refers to (so every
/// unsigned offset points forward, as FlatBuffers requires). Every scalar sits at a multiple of
/// its size from the start of the buffer, which the caller places 8-byte aligned; Arrow's C++
/// reader verifies that alignment.
struct FlatBufferSerializer {
    private var bytes: [UInt8] = []

    /// The buffer for `root`, zero-padded to a multiple of `alignment`.
    static func serialize(_ root: FlatBufferTable, paddedTo alignment: Int) -> [UInt8] {
        var serializer = FlatBufferSerializer()
        serializer.bytes.reserveCapacity(512)
        serializer.append(UInt32(0))  // the root offset, patched below
        let rootPosition = serializer.place(root)
        serializer.patchOffset(at: 0, to: rootPosition)
        serializer.pad(to: alignment)
        return serializer.bytes
    }

    private mutating func place(_ table: FlatBufferTable) -> Int {
        pad(to: 2)
        let vtablePosition = bytes.count
        let vtableSize = 4 + 2 * table.slots.count
        bytes.append(contentsOf: repeatElement(0, count: vtableSize))
        pad(to: 4)
        let tablePosition = bytes.count
        append(Int32(tablePosition - vtablePosition))

        // Widest first, so that alignment padding inside the table is at most one gap.
        let order = table.slots.indices.sorted { (table.slots[$0]?.inlineSize ?? 0) > (table.slots[$1]?.inlineSize ?? 0) }
        var positions = [Int?](repeating: nil, count: table.slots.count)
        for slot in order {
            guard let field = table.slots[slot] else { continue }
            pad(to: field.inlineSize)
            positions[slot] = bytes.count
            switch field {
            case .uint8(let value): append(value)
            case .int16(let value): append(value)
            case .int32(let value): append(value)
            case .int64(let value): append(value)
            case .table, .string, .tables, .int64Pairs: append(UInt32(0))  // patched below
            }
        }

        set(UInt16(vtableSize), at: vtablePosition)
        set(UInt16(bytes.count - tablePosition), at: vtablePosition + 2)
        for (slot, position) in positions.enumerated() {
            if let position { set(UInt16(position - tablePosition), at: vtablePosition + 4 + 2 * slot) }
        }

        for (slot, position) in positions.enumerated() {
            guard let position, let field = table.slots[slot] else { continue }
            switch field {
            case .uint8, .int16, .int32, .int64: continue
            case .table(let child): patchOffset(at: position, to: place(child))
            case .string(let text): patchOffset(at: position, to: place(text))
            case .tables(let children): patchOffset(at: position, to: place(children))
            case .int64Pairs(let pairs): patchOffset(at: position, to: place(pairs))
            }
        }
        return tablePosition
    }

    /// A string: its byte count, its UTF-8 bytes and a terminating zero.
    private mutating func place(_ text: String) -> Int {
        pad(to: 4)
        let position = bytes.count
        append(UInt32(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
        bytes.append(0)
        return position
    }

    private mutating func place(_ tables: [FlatBufferTable]) -> Int {
        pad(to: 4)
        let position = bytes.count
        append(UInt32(tables.count))
        bytes.append(contentsOf: repeatElement(0, count: 4 * tables.count))
        for (index, table) in tables.enumerated() {
            patchOffset(at: position + 4 + 4 * index, to: place(table))
        }
        return position
    }

    /// Structs of `long`s must be 8-byte aligned, so the count before them sits 4 bytes short.
    private mutating func place(_ pairs: [(Int64, Int64)]) -> Int {
        pad(to: 4)
        if (bytes.count + 4) % 8 != 0 { append(UInt32(0)) }
        let position = bytes.count
        append(UInt32(pairs.count))
        for (first, second) in pairs {
            append(first)
            append(second)
        }
        return position
    }

    private mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func set<T: FixedWidthInteger>(_ value: T, at position: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (index, byte) in raw.enumerated() { bytes[position + index] = byte }
        }
    }

    /// FlatBuffers offsets are relative to where they are stored.
    private mutating func patchOffset(at position: Int, to target: Int) {
        set(UInt32(target - position), at: position)
    }
}

import DropFormats
import DropJSON
import Foundation
import PackageReading

/// The Arrow harness: rows made from the input are written with `ArrowStreamWriter` and must read
/// back with `ArrowStreamReader` as exactly those rows; then the input itself, read as a stream,
/// must be decoded or refused, never crash. A round trip that differs stops the fuzzer like a crash.
enum ArrowRoundTrip {
    static func run(_ bytes: [UInt8], scratch path: String) {
        var input = InputBytes(bytes)
        let types: [ArrowType] = [.int64, .double, .utf8, .bool, .listOfDouble]
        let columnCount = 1 + Int(input.byte() % 6)
        let schema = (0..<columnCount).map { ArrowField(name: "c\($0)", type: types[Int(input.byte()) % types.count]) }
        let maxRowsPerBatch = 1 + Int(input.byte() % 8)
        var rows: [[JSONValue]] = []
        while !input.isEmpty, rows.count < 4096 {
            rows.append(schema.map { input.value(of: $0.type) })
        }
        do {
            let writer = try ArrowStreamWriter(path: path, schema: schema, maxRowsPerBatch: maxRowsPerBatch)
            for row in rows { try writer.append(row) }
            _ = try writer.finish(durable: false)
            let reader = try ArrowStreamReader(path: path)
            var read: [[JSONValue]] = []
            while let batch = try reader.nextBatch() { read += batch }
            guard reader.schema == schema, read == rows else {
                fatalError("Arrow round trip differs: wrote \(rows.count) rows of \(schema), read \(read.count) rows of \(reader.schema)")
            }
        } catch {
            fatalError("Arrow round trip failed on rows it accepts: \(error)")
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        if let reader = try? ArrowStreamReader(path: path) {
            while let batch = try? reader.nextBatch() { _ = batch }
        }
    }
}

/// The input consumed front to back; past its end, every read gives zero.
private struct InputBytes {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isEmpty: Bool { offset >= bytes.count }

    mutating func byte() -> UInt8 {
        defer { offset += 1 }
        return offset < bytes.count ? bytes[offset] : 0
    }

    mutating func word() -> UInt64 {
        (0..<8).reduce(0) { word, _ in word << 8 | UInt64(byte()) }
    }

    /// A value a column of `type` holds: null one time in eight.
    mutating func value(of type: ArrowType) -> JSONValue {
        let tag = byte()
        guard tag % 8 != 0 else { return .null }
        switch type {
        case .int64: return .integer(Int64(bitPattern: word()))
        case .double: return .double(finiteDouble())
        case .bool: return .bool(tag & 0x10 != 0)
        case .utf8:
            let count = Int(byte() % 40)
            return .string(String(decoding: (0..<count).map { _ in byte() }, as: UTF8.self))
        case .listOfDouble:
            return .array((0..<Int(byte() % 6)).map { _ in .double(finiteDouble()) })
        }
    }

    /// JSON has no NaN or infinity, and neither has `JSONValue`.
    private mutating func finiteDouble() -> Double {
        let number = Double(bitPattern: word())
        return number.isFinite ? number : 0
    }
}

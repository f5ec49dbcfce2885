/// A growing bit-packed bitmap, least significant bit first, the layout of Arrow's validity
/// bitmaps and boolean values. PackageReading reads single bits back (`bit(_:in:)`).
package struct ArrowBitmap {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ bit: Bool) {
        if count & 7 == 0 { bytes.append(0) }
        if bit { bytes[bytes.count - 1] |= 1 << UInt8(count & 7) }
        count += 1
    }

    /// Empties the bitmap but keeps its storage for the next batch.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
    }
}

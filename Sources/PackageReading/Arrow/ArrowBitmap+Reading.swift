import DropFormats

extension ArrowBitmap {
    /// Bit `index` of a bitmap in a message body; the caller has checked the bounds.
    static func bit(_ index: Int, in bitmap: UnsafeRawBufferPointer) -> Bool {
        bitmap[index >> 3] & (1 << UInt8(index & 7)) != 0
    }
}

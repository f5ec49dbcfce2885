/// Turns a byte offset into the line and column a person sees in an editor.
///
/// Done only when reporting an error, so the hot loops never track columns; a column counts
/// Unicode scalars (bytes that are not UTF-8 continuation bytes), not bytes. Visible to the
/// package so that DropFormats' CSV and JSONL readers place their errors the way the parser does.
package enum TextLocation {
    package static func locate(
        offset: Int, in bytes: UnsafeRawBufferPointer, firstLine: Int
    ) -> (line: Int, column: Int) {
        var line = firstLine
        var column = 1
        let end = min(offset, bytes.count)
        var index = 0
        while index < end {
            let byte = bytes[index]
            if byte == ASCII.lineFeed {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return (line, column)
    }
}

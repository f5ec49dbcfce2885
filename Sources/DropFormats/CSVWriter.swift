/// Writes RFC 4180 records: a field is quoted only when it holds a comma, a quote, a CR or
/// an LF, and its quotes are doubled — so that what the `CSVReader` reads back is the field.
public enum CSVWriter {
    public static func appendRecord(_ fields: [String], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            appendField(field, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// A record whose fields are bytes, written as they are (quoted where CSV needs it): a row
    /// that is not valid UTF-8 is set aside unchanged.
    public static func appendRecord(_ fields: [[UInt8]], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            appendField(field, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    public static func appendField(_ field: String, to buffer: inout [UInt8]) {
        appendField(field.utf8, to: &buffer)
    }

    static func appendField(_ bytes: some Collection<UInt8>, to buffer: inout [UInt8]) {
        let needsQuotes = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            buffer.append(contentsOf: bytes)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }
}

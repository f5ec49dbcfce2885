/// The headers of one part of a `multipart/form-data` body that a form upload needs.
struct MultipartPartHeaders: Equatable {
    /// The form field's name, from `Content-Disposition: form-data; name="..."`.
    var name: String
    /// The `filename` parameter: present for file fields.
    var fileName: String?
    var contentType: String?

    /// Parses a part's header block (the lines before the blank line, without it). Every part
    /// of a form must say `Content-Disposition: form-data` with a name (RFC 7578 §4.2).
    init(block: ArraySlice<UInt8>) throws(SandboxError) {
        var disposition: String?
        var contentType: String?
        let text = String(decoding: block, as: UTF8.self)
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                throw MultipartParser.malformed("a part header has no ':' (\(line.prefix(80)))")
            }
            let name = line[..<colon].lowercased()
            let value = String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
            switch name {
            case "content-disposition": disposition = disposition ?? value
            case "content-type": contentType = contentType ?? value
            default: break
            }
        }
        guard let disposition else {
            throw MultipartParser.malformed("a part has no Content-Disposition header")
        }
        let parameters = HeaderParameters(disposition)
        guard parameters.value.lowercased() == "form-data", let name = parameters["name"] else {
            throw MultipartParser.malformed("a part's Content-Disposition is not 'form-data; name=\"...\"'")
        }
        self.name = name
        fileName = parameters["filename"]
        self.contentType = contentType
    }
}

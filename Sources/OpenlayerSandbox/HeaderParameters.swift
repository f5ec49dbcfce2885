/// A header value with parameters, as `Content-Type` and `Content-Disposition` have them:
/// `form-data; name="file"; filename="batch.arrow"`.
///
/// Parameter names are case-insensitive; values may be tokens or quoted strings with `\`
/// escapes (RFC 9110 §5.6.6). Enough for what multipart forms carry; RFC 2231's `name*=`
/// forms are kept under their own names and not decoded.
struct HeaderParameters {
    /// What comes before the first `;`, trimmed.
    var value: String
    private var parameters: [String: String] = [:]

    init(_ header: String) {
        var characters = Substring(header)
        value = String(Self.take(&characters, until: ";")).trimmingWhitespace()
        while !characters.isEmpty {
            characters.removeFirst()  // the ';'
            let name = String(Self.take(&characters, until: "=")).trimmingWhitespace().lowercased()
            guard !characters.isEmpty else { break }
            characters.removeFirst()  // the '='
            characters = characters.drop { $0 == " " || $0 == "\t" }
            let parameter: String
            if characters.first == "\"" {
                parameter = Self.quoted(&characters)
                _ = Self.take(&characters, until: ";")
            } else {
                parameter = String(Self.take(&characters, until: ";")).trimmingWhitespace()
            }
            // The first occurrence wins.
            if !name.isEmpty, parameters[name] == nil { parameters[name] = parameter }
        }
    }

    subscript(name: String) -> String? { parameters[name.lowercased()] }

    /// Removes and returns the text up to `separator` (not included) or the end.
    private static func take(_ characters: inout Substring, until separator: Character) -> Substring {
        let end = characters.firstIndex(of: separator) ?? characters.endIndex
        let taken = characters[..<end]
        characters = characters[end...]
        return taken
    }

    /// Removes a quoted string, opening quote first, and returns its unescaped content; an
    /// unterminated one runs to the end.
    private static func quoted(_ characters: inout Substring) -> String {
        characters.removeFirst()
        var result = ""
        while let character = characters.popFirst() {
            switch character {
            case "\"": return result
            case "\\": if let escaped = characters.popFirst() { result.append(escaped) }
            default: result.append(character)
            }
        }
        return result
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

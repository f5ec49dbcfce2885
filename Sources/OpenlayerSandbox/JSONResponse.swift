import DropJSON
import Hummingbird

/// Builds JSON responses from DropJSON's `JSONValue`.
///
/// The sandbox writes its answers with the same writer the uploader uses rather than with
/// `Codable`: stored rows must come back byte-for-byte in the types and key order they were
/// sent in (`1` stays `1`, `1.0` stays `1.0`), which `JSONEncoder` over `[String: Any]`-like
/// models cannot promise.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = JSONWriter.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}

extension JSONObject {
    /// Builds an object from literal pairs, keeping their order (a response reads in the order
    /// the real API's documentation lists its fields).
    init(pairs: KeyValuePairs<String, JSONValue>) {
        self.init(pairs.map { Field(key: $0.key, value: $0.value) })
    }
}

extension JSONValue {
    /// `.string` for a value, `.null` for none: the real API sends `null`, never omits a field.
    static func nullable(_ string: String?) -> JSONValue {
        string.map(JSONValue.string) ?? .null
    }

    /// The string inside, or `nil` for any other kind of value.
    var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }
}

import DropJSON

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The form fields of an S3 presigned POST, as boto3's `generate_presigned_post` returns them
/// (and so Openlayer's `fields`), in that order.
///
/// Their values mean nothing to the sandbox, but they are fresh for each URL (the signature is
/// random), so that an upload that sent another URL's fields, or altered one, is caught as S3
/// would catch it.
enum S3PostFields {
    static func make(key: String, now: Int64) -> JSONObject {
        let iso = Timestamp.iso8601(milliseconds: now)  // 2024-05-01T12:00:00.000Z
        let day = iso.prefix(10).replacing("-", with: "")
        let time = iso.dropFirst(11).prefix(8).replacing(":", with: "")
        let expiration = Timestamp.iso8601(milliseconds: now + 3_600_000)
        let credential = "SANDBOXACCESSKEYID/\(day)/us-east-1/s3/aws4_request"
        let policy = JSONValue.object(.init(pairs: [
            "expiration": .string(expiration),
            "conditions": .array([
                .object(.init(pairs: ["bucket": .string("openlayer-sandbox")])),
                .object(.init(pairs: ["key": .string(key)])),
                .object(.init(pairs: ["x-amz-credential": .string(credential)])),
            ]),
        ]))
        return JSONObject(pairs: [
            "key": .string(key),
            "x-amz-algorithm": .string("AWS4-HMAC-SHA256"),
            "x-amz-credential": .string(credential),
            "x-amz-date": .string("\(day)T\(time)Z"),
            "policy": .string(Data(JSONWriter.encode(policy)).base64EncodedString()),
            "x-amz-signature": .string(randomHex()),
        ])
    }

    /// 64 hex digits, the length of a SigV4 signature.
    private static func randomHex() -> String {
        (0..<2).map { _ in UUID().uuidString.lowercased().replacing("-", with: "") }.joined()
    }
}

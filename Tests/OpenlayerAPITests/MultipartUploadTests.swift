import NIOConcurrencyHelpers
import NIOCore
@testable import OpenlayerAPI
import Testing

/// A presigned POST wraps the file in a multipart form: the wrapping must read the file only as
/// fast as the request sends it, or a slow upload holds the whole file in memory.
@Suite("A multipart upload body")
struct MultipartUploadTests {
    @Test("The file's chunks are asked for one at a time, as the body is read")
    func onDemand() async throws {
        let produced = NIOLockedValueBox(0)
        let source = UploadSource(length: 5 * 4) {
            AsyncThrowingStream(unfolding: {
                produced.withLockedValue { count -> ByteBuffer? in
                    guard count < 5 else { return nil }
                    count += 1
                    return ByteBuffer(bytes: [UInt8](repeating: UInt8(count), count: 4))
                }
            })
        }
        let multipart = MultipartUpload(fields: [("key", "k")], fileName: "f.arrow", contentType: "application/octet-stream")
        var body = multipart.body(around: source).makeAsyncIterator()
        let head = try await body.next()
        #expect(head.map { Array($0.readableBytesView) } == multipart.head)
        #expect(produced.withLockedValue { $0 } == 0)
        _ = try await body.next()
        // Give a reader that would run ahead the time to do so.
        try await Task.sleep(for: .milliseconds(50))
        #expect(produced.withLockedValue { $0 } == 1)
        var rest: [UInt8] = []
        while let part = try await body.next() { rest += part.readableBytesView }
        #expect(produced.withLockedValue { $0 } == 5)
        #expect(rest == [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5] + multipart.tail)
        #expect(Int64(multipart.head.count + 20 + multipart.tail.count) == multipart.length(fileLength: source.length))
    }
}

@testable import DropEngine
import Foundation
import NIOCore
import OpenlayerAPI
import Testing

/// A bulk file or reference tarball is uploaded as it is read: one chunk in memory at a time.
@Suite("Reading an upload's body")
struct FileUploadSourceTests {
    @Test("The chunks are the file's bytes, and each attempt reads the file afresh")
    func wholeFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bytes = (0..<(FileChunkReader.chunkSize * 2 + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = directory.path + "/upload.arrow"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let source = try UploadSource.file(path)
        #expect(source.length == Int64(bytes.count))
        for _ in 0..<2 {
            var received: [UInt8] = []
            for try await chunk in source.chunks() { received += chunk.readableBytesView }
            #expect(received == bytes)
        }
    }

    @Test("A chunk is read only when the sender asks for it")
    func readsOnDemand() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/upload.arrow"
        try Data(repeating: 7, count: FileChunkReader.chunkSize * 4).write(to: URL(fileURLWithPath: path))
        let source = try UploadSource.file(path)
        var iterator = source.chunks().makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first?.readableBytes == FileChunkReader.chunkSize)
        // Had the rest been read ahead, it would still arrive; read on demand, it is gone.
        #expect(truncate(path, off_t(FileChunkReader.chunkSize + FileChunkReader.chunkSize / 2)) == 0)
        var rest = 0
        while let chunk = try await iterator.next() { rest += chunk.readableBytes }
        #expect(rest == FileChunkReader.chunkSize / 2)
    }

    @Test("Parts are read one after the other as one body")
    func parts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sizes = [FileChunkReader.chunkSize + 5, 0, 17, FileChunkReader.chunkSize]
        var whole: [UInt8] = []
        var paths: [String] = []
        for (index, size) in sizes.enumerated() {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) }
            let path = directory.path + "/part\(index)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            whole += bytes
            paths.append(path)
        }
        let source = try UploadSource.files(paths)
        #expect(source.length == Int64(whole.count))
        var received: [UInt8] = []
        for try await chunk in source.chunks() { received += chunk.readableBytesView }
        #expect(received == whole)
    }
}

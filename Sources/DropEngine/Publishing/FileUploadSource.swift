import Foundation
import NIOCore
import OpenlayerAPI

extension UploadSource {
    /// A file's bytes in 1 MiB chunks, read afresh for every attempt.
    static func file(_ path: String) throws -> UploadSource {
        let size = try FileStamp(path: path).size
        return UploadSource(length: size) {
            AsyncThrowingStream { continuation in
                let task = Task {
                    do {
                        guard let handle = FileHandle(forReadingAtPath: path) else {
                            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
                        }
                        defer { try? handle.close() }
                        while !Task.isCancelled, let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                            continuation.yield(ByteBuffer(bytes: chunk))
                        }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        }
    }
}

import Dispatch

/// Runs synchronous file work (DropFormats' readers read with plain system calls) on a
/// Dispatch queue, so that unpacking a large tarball does not hold one of the few threads that
/// serve every request.
enum BlockingIO {
    static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks every file reader opened in its scope to stop: the next chunk read throws a
/// `FileReadError` with `ECANCELED` (`isStop`). A pass over a big file is a long loop of
/// synchronous reads that neither task cancellation nor a shutdown request can reach;
/// checking once per 64 KiB chunk makes it stop within a few milliseconds, at no measurable cost.
public final class ReadStop: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    /// The signal readers opened now check (`ChunkedFileReader` captures it when it is made).
    /// Bound on a thread without a task as well, for the threads that read parts of a file.
    @TaskLocal public static var current: ReadStop?

    public func raise() {
        raised.store(true, ordering: .relaxed)
    }

    public var isRaised: Bool { raised.load(ordering: .relaxed) }
}

extension FileReadError {
    /// The error a reader throws once its `ReadStop` is raised.
    static func stopped(path: String) -> FileReadError {
        FileReadError(path: path, errno: ECANCELED, message: "reading stopped: the service is shutting down")
    }

    /// Reading stopped because a `ReadStop` was raised, not because the file failed.
    public var isStop: Bool { errno == ECANCELED }
}

import DropFormats
import ServiceLifecycle

/// Runs a pass that sends nothing (the survey, the writing of a bulk file or of a reference
/// package) so that a shutdown or a cancellation stops it within a chunk of the file: such a
/// pass is a long run of synchronous reads that neither reaches. It then throws
/// `FilePublisher.Interruption.shutdown`, and the file is taken up again at the next start.
///
/// The stop reaches the reads through `ReadStop.current`, which child tasks inherit and
/// `BlockingThreads` hands on to its threads.
func stoppingAtShutdown<Value>(_ pass: () async throws -> Value) async throws -> Value {
    let stop = ReadStop()
    do {
        return try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await ReadStop.$current.withValue(stop) { try await pass() }
            } onCancel: {
                stop.raise()
            }
        } onGracefulShutdown: {
            stop.raise()
        }
    } catch let error as FileReadError where error.isStop {
        throw FilePublisher.Interruption.shutdown
    }
}

import Foundation

/// Steps between two writes that must both happen — a file moved and its receipt, a receipt
/// and its journal entry — where a test can have the service killed, as a power cut would,
/// to check that the next start finishes what the step left half-done.
///
/// Armed by `OPENLAYER_DROP_CRASH_AT=<step>` in the service's environment; unset, each step
/// costs one comparison. Only the crash tests set it.
public enum CrashPoint: String, Sendable, CaseIterable {
    /// A file has its processing name and its archive name (the link is made, not the unlink).
    case archiveLinked = "archive-linked"
    /// A file is in the archive; its receipt is not written.
    case archiveMoved = "archive-moved"
    /// The receipt is written; the journal still says published.
    case archiveReceipt = "archive-receipt"
    /// A file is in `rejected/`; its report is not written.
    case rejectMoved = "reject-moved"
    /// The report is written; the journal still says the file is in work.
    case rejectReport = "reject-report"

    static let armed: CrashPoint? = ProcessInfo.processInfo.environment["OPENLAYER_DROP_CRASH_AT"].flatMap(CrashPoint.init(rawValue:))

    /// Kills the process when this is the armed step.
    func reached() {
        if Self.armed == self { kill(getpid(), SIGKILL) }
    }
}

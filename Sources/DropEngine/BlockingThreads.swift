import DropFormats
import Foundation

/// Runs blocking jobs at once, each on a thread of its own, and returns when all are done: the
/// parts of a survey, the shares of a copy. Threads, not tasks: each job reads or copies a file
/// for its whole life, and would hold a thread of Swift's cooperative pool that long.
enum BlockingThreads {
    /// The caller's `ReadStop` reaches the jobs too: a thread has no task to inherit it from.
    static func run(named name: String, _ jobs: [@Sendable () -> Void]) {
        if jobs.count == 1 {
            jobs[0]()
            return
        }
        let stop = ReadStop.current
        let group = DispatchGroup()
        for (index, job) in jobs.enumerated() {
            group.enter()
            let thread = Thread {
                ReadStop.$current.withValue(stop) { job() }
                group.leave()
            }
            thread.name = "\(name) \(index + 1)"
            thread.start()
        }
        group.wait()
    }
}

import Foundation

/// Threads of their own for one pipeline's work, most of which blocks: reading and hashing
/// files, SQLite transactions, `fsync`. Run on Swift's cooperative pool — one thread per core,
/// two on a small machine — that work would hold the threads the watcher, the HTTP client's
/// callbacks and the other pipelines need. A pipeline worker runs with this executor as its
/// preference (`withTaskExecutorPreference`), and so do the tasks it starts: two threads, so
/// that a file's archive runs beside the next file's publishing.
final class BlockingWorkExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    /// Starts the threads, named (15 characters at most, as Linux keeps them) for `top -H` and
    /// `perf`. They hold the executor until `shutdown` lets them end.
    init(name: String, threads: Int = 2) {
        let name = String(name.prefix(15))
        for _ in 0..<max(1, threads) {
            // Named from inside, through /proc: Foundation does not pass a name set before
            // start on to the kernel, and Glibc's module leaves out pthread_setname_np.
            Thread {
                try? Data(name.utf8).write(to: URL(fileURLWithPath: "/proc/thread-self/comm"))
                self.runJobs()
            }.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs queued so far have run.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty, !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

import Foundation

/// Collects the (id hash, line) pairs of one pass over a file and finds the lines that repeat
/// an earlier line's id, in bounded memory.
///
/// Up to `memoryBudget` pairs are held in memory. Past that, each full buffer is sorted and
/// written as a run to an unlinked scratch file (so a crash leaves nothing behind), and the runs
/// are merged at the end, each read through a small window: a file with twenty million ids
/// peaks at the budget plus some 64 KiB per run, not at 16 bytes an id. A file with fewer ids
/// never touches the disk.
final class RepeatedIdFinder {
    private struct Entry: Comparable {
        var hash: UInt64
        var line: UInt32

        static func < (left: Entry, right: Entry) -> Bool {
            left.hash != right.hash ? left.hash < right.hash : left.line < right.line
        }
    }

    private let scratchDirectory: String
    private let memoryBudget: Int
    private var buffer: [Entry] = []
    private var scratch: Int32 = -1
    private var runs: [(offset: Int, count: Int)] = []
    private var written = 0
    /// A spill that failed, thrown by `finish`: `collect` is on the hot path and cannot throw.
    private var spillError: Error?

    /// - Parameters:
    ///   - scratchDirectory: where runs are written once the budget is exceeded; on the same
    ///     disk as the file, not in a `tmpfs` that would hold them in memory after all.
    ///   - memoryBudget: how many pairs (16 bytes each) are held in memory.
    init(scratchDirectory: String, memoryBudget: Int = 1 << 19) {
        self.scratchDirectory = scratchDirectory
        self.memoryBudget = max(1, memoryBudget)
    }

    deinit {
        if scratch >= 0 { close(scratch) }
    }

    /// Notes that `line` gave an id of this hash. Lines arrive in increasing order.
    func collect(hash: UInt64, line: Int) {
        buffer.append(Entry(hash: hash, line: UInt32(clamping: line)))
        if buffer.count >= memoryBudget {
            do { try spill() } catch {
                spillError = spillError ?? error
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The lines that repeat an earlier line's id, each with the first line that gave it.
    func finish() throws -> RepeatedIds {
        if let spillError { throw spillError }
        defer { reset() }
        buffer.sort()
        guard !runs.isEmpty else { return RepeatedIds(Self.repeats(in: buffer)) }
        try spill()
        return RepeatedIds(try mergeRuns())
    }

    private func reset() {
        buffer = []
        runs = []
        written = 0
        if scratch >= 0 { close(scratch) }
        scratch = -1
    }

    private static func repeats(in sorted: [Entry]) -> [Int: Int] {
        var earlier: [Int: Int] = [:]
        var index = 0
        while index < sorted.count {
            let first = sorted[index]
            index += 1
            while index < sorted.count, sorted[index].hash == first.hash {
                earlier[Int(sorted[index].line)] = Int(first.line)
                index += 1
            }
        }
        return earlier
    }

    /// Sorts the buffer and appends it to the scratch file as one run.
    private func spill() throws {
        if scratch < 0 { scratch = try Self.openScratch(in: scratchDirectory) }
        buffer.sort()
        let bytes = buffer.count * MemoryLayout<Entry>.stride
        try buffer.withUnsafeBytes { raw in
            var done = 0
            while done < bytes {
                let result = pwrite(scratch, raw.baseAddress! + done, bytes - done, off_t(written + done))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw Self.error("writing", errno)
                }
                done += result
            }
        }
        runs.append((written, buffer.count))
        written += bytes
        buffer.removeAll(keepingCapacity: true)
    }

    /// Merges the sorted runs; equal hashes come out together, the earliest line first.
    private func mergeRuns() throws -> [Int: Int] {
        var readers = runs.map { RunReader(descriptor: scratch, offset: $0.offset, count: $0.count) }
        buffer = []  // the budget goes back; only the windows are held from here
        var heap = MinHeap()
        for index in readers.indices {
            if let entry = try readers[index].next() { heap.push(entry, run: index) }
        }
        var earlier: [Int: Int] = [:]
        var group: Entry?
        while let (entry, run) = heap.pop() {
            if let first = group, first.hash == entry.hash {
                earlier[Int(entry.line)] = Int(first.line)
            } else {
                group = entry
            }
            if let next = try readers[run].next() { heap.push(next, run: run) }
        }
        return earlier
    }

    private static func openScratch(in directory: String) throws -> Int32 {
        var template = Array((directory + "/.inference-ids-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw error("creating a scratch file in \(directory) for", errno) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return descriptor
    }

    private static func error(_ doing: String, _ code: Int32) -> Error {
        CocoaError(.fileWriteUnknown, userInfo: [
            NSLocalizedDescriptionKey: "\(doing) the inference ids of a file to check them for repeats: \(String(cString: strerror(code)))"
        ])
    }

    /// One sorted run, read a window at a time.
    private struct RunReader {
        let descriptor: Int32
        var offset: Int
        var remaining: Int
        var window: [Entry] = []
        var position = 0

        init(descriptor: Int32, offset: Int, count: Int) {
            self.descriptor = descriptor
            self.offset = offset
            remaining = count
        }

        mutating func next() throws -> Entry? {
            if position == window.count {
                guard remaining > 0 else { return nil }
                let count = min(remaining, 4096)
                let bytes = count * MemoryLayout<Entry>.stride
                window = Array(repeating: Entry(hash: 0, line: 0), count: count)
                try window.withUnsafeMutableBytes { raw in
                    var done = 0
                    while done < bytes {
                        let result = pread(descriptor, raw.baseAddress! + done, bytes - done, off_t(offset + done))
                        if result < 0, errno == EINTR { continue }
                        guard result > 0 else { throw RepeatedIdFinder.error("reading", result < 0 ? errno : EIO) }
                        done += result
                    }
                }
                offset += bytes
                remaining -= count
                position = 0
            }
            defer { position += 1 }
            return window[position]
        }
    }

    /// A binary min-heap of the runs' current entries.
    private struct MinHeap {
        private var items: [(entry: Entry, run: Int)] = []

        mutating func push(_ entry: Entry, run: Int) {
            items.append((entry, run))
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard items[child].entry < items[parent].entry else { break }
                items.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> (Entry, Int)? {
            guard !items.isEmpty else { return nil }
            let top = items[0]
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1
                    let right = left + 1
                    var smallest = parent
                    if left < items.count, items[left].entry < items[smallest].entry { smallest = left }
                    if right < items.count, items[right].entry < items[smallest].entry { smallest = right }
                    guard smallest != parent else { break }
                    items.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            return (top.entry, top.run)
        }
    }
}

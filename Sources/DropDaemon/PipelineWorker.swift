import DropEngine
import Foundation
import Logging
import ServiceLifecycle

/// One pipeline's worker: its files one after another, so they reach Openlayer in the order
/// they were dropped. First the files an earlier run left in work, then the inbox. It stops
/// between files when the service shuts down or its queue closes (a reload).
///
/// A published file is archived (moved, its receipt written and flushed, the journal told)
/// beside the next file's publishing: nothing in that step reaches Openlayer, and with many
/// small files it is a third of the work, most of it waiting for the disk. Up to two archives
/// at a time, started in drop order.
struct PipelineWorker: Sendable {
    let queue: PipelineQueue
    let processor: FileProcessor
    let settleTime: Duration
    let retryDelay: Duration
    let logger: Logger

    /// Archives under way at once: a second one waits for the disk while the first does.
    static let archivesInFlight = 2

    func run() async {
        await withTaskGroup(of: Void.self) { archiving in
            var archives = 0
            do {
                for entry in try processor.leftovers() {
                    guard !(await shouldStop), await process(entry, isCurrent: true, archiving: &archiving, archives: &archives) else { return }
                }
            } catch {
                logger.error("cannot read the files left in work", metadata: ["error": "\(error)"])
            }
            for await work in queue.work {
                if await shouldStop { return }
                switch work {
                case .inbox(let path, let kind, let complete):
                    guard let entry = await claimWhenQuiet(path, kind: kind, complete: complete) else { continue }
                    guard await process(entry, isCurrent: true, archiving: &archiving, archives: &archives) else { return }
                case .claimed(let entry):
                    guard await process(entry, isCurrent: false, archiving: &archiving, archives: &archives) else { return }
                }
            }
        }
    }

    private var shouldStop: Bool {
        get async {
            if Task.isShuttingDownGracefully || Task.isCancelled { return true }
            return await queue.isClosed
        }
    }

    /// Claims an inbox file once nothing has changed it for `settleTime`; a file still
    /// changing goes back in line until then. A file renamed into the inbox (`complete`) is
    /// taken at once: the rename made it whole, and waiting would only add latency.
    private func claimWhenQuiet(_ path: String, kind: FileKind, complete: Bool) async -> JournalFile? {
        guard let stamp = try? FileStamp(path: path) else {
            await queue.taken(path)
            return nil
        }
        let quietFor = Duration.milliseconds(Int64(Date().timeIntervalSince(stamp.lastChange) * 1000))
        if !complete, quietFor < settleTime {
            queue.retry(.inbox(path, kind, complete: false), after: settleTime - quietFor)
            return nil
        }
        await queue.taken(path)
        do {
            return try processor.claim(path, kind: kind)
        } catch {
            logger.error("cannot claim the file; it stays in the inbox", metadata: ["file": "\(path)", "error": "\(error)"])
            queue.retry(.inbox(path, kind, complete: complete), after: retryDelay)
            return nil
        }
    }

    /// Publishes a file, and starts its archive once fewer than `archivesInFlight` are under way
    /// (`archives` counts them). Returns false when the worker must stop (shutdown).
    private func process(_ entry: JournalFile, isCurrent: Bool, archiving: inout TaskGroup<Void>, archives: inout Int) async -> Bool {
        do {
            guard case .readyToArchive(let ready) = try await processor.carryToArchive(entry, isCurrent: isCurrent) else { return true }
            if archives >= Self.archivesInFlight, await archiving.next() != nil { archives -= 1 }
            archives += 1
            archiving.addTask { [self] in
                do {
                    _ = try processor.archive(ready)
                } catch {
                    heldBack(ready.file, error)
                }
            }
            return true
        } catch FilePublisher.Interruption.shutdown {
            logger.info("stopped mid-file; it is taken up again at the next start", metadata: ["file": "\(entry.name)"])
            return false
        } catch {
            heldBack(entry, error)
            return !(Task.isShuttingDownGracefully || Task.isCancelled)
        }
    }

    private func heldBack(_ entry: JournalFile, _ error: Error) {
        logger.error("the file is held back and tried again", metadata: [
            "file": "\(entry.name)", "error": "\(error)", "retryIn": "\(retryDelay)",
        ])
        queue.retry(.claimed(entry), after: retryDelay)
    }
}

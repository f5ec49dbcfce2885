import Glibc
import InboxWatcher
import Testing

/// Everything that uses real inotify. libinotifytools is process-global, so these tests must
/// not overlap: one serialized suite. Each test waits for the watcher's initial scan (a file
/// placed in the inbox beforehand) so that later files are known to come from live events.
@Suite(.serialized)
struct InboxWatcherTests {
    /// Starts a watcher on `inbox` after placing `ready.csv` in it and waits for the initial
    /// scan to report it: from then on every file comes from a live event.
    private func startWatching(
        _ inbox: TemporaryDirectory,
        filter: FileNameFilter = .default
    ) async throws -> EventRecorder {
        let marker = try inbox.write("ready.csv")
        let recorder = EventRecorder(InboxWatcher(root: inbox.path, filter: filter))
        let ready = await recorder.waitFor(marker)
        try #require(ready, "the initial scan never reported \(marker); error: \(String(describing: recorder.error))")
        return recorder
    }

    @Test func fileWrittenAndClosedInPlaceIsReportedOnce() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let recorder = try await startWatching(inbox)

        let file = try inbox.write("data.csv")
        #expect(await recorder.waitFor(file))
        let sentinel = try inbox.write("zz-sentinel.csv")  // events arrive in order
        #expect(await recorder.waitFor(sentinel))
        #expect(recorder.count(of: file) == 1)
        #expect(await recorder.cancel())
    }

    @Test func fileWrittenAsTmpThenRenamedIsReportedUnderItsFinalNameOnly() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let recorder = try await startWatching(inbox)

        let temporary = try inbox.write("x.csv.tmp")
        try inbox.move(temporary, to: inbox.url("x.csv"))
        #expect(await recorder.waitFor(inbox.url("x.csv")))
        // InboxEvent allows a path to be reported more than once (the consumer deduplicates);
        // under load a renamed file has been seen reported twice, which is within that contract.
        #expect((1...2).contains(recorder.count(of: inbox.url("x.csv"))))
        #expect(!recorder.paths.contains { $0.hasSuffix(".tmp") })
        #expect(await recorder.cancel())
    }

    @Test func eventsSayHowTheFileArrived() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let recorder = try await startWatching(inbox)

        let written = try inbox.write("written.csv")
        let temporary = try inbox.write("renamed.csv.tmp")
        try inbox.move(temporary, to: inbox.url("renamed.csv"))
        #expect(await recorder.waitFor(inbox.url("renamed.csv")))
        #expect(await recorder.waitFor(written))
        #expect(recorder.events.contains(.fileReady(path: written, arrival: .closedAfterWriting)))
        #expect(recorder.events.contains(.fileReady(path: inbox.url("renamed.csv"), arrival: .renamed)))
        #expect(recorder.events.contains(.fileReady(path: inbox.url("ready.csv"), arrival: .found)))
        #expect(await recorder.cancel())
    }

    /// Links and FIFOs are reported, never followed, so that the consumer refuses them instead
    /// of leaving them unseen: made in place (`IN_CREATE`) or renamed in.
    @Test func linksAndFIFOsAreReportedWithoutBeingFollowed() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let outside = try TemporaryDirectory()
        defer { outside.remove() }
        let secret = try outside.write("secret.csv")
        try outside.makeDirectory("folder")
        try outside.write("folder/inner.csv")
        let recorder = try await startWatching(inbox)

        let link = inbox.url("link.csv")
        #expect(symlink(secret, link) == 0)
        #expect(await recorder.waitFor(link))
        let fifo = inbox.url("pipe.csv")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(await recorder.waitFor(fifo))
        let staged = inbox.url(".staged-link")
        #expect(symlink(outside.url("folder"), staged) == 0)
        let renamed = inbox.url("folder-link")
        #expect(rename(staged, renamed) == 0)
        #expect(await recorder.waitFor(renamed))
        let sentinel = try inbox.write("zz-sentinel.csv")
        #expect(await recorder.waitFor(sentinel))

        #expect(recorder.events.contains(.fileReady(path: link, arrival: .created)))
        #expect(recorder.events.contains(.fileReady(path: fifo, arrival: .created)))
        #expect(recorder.events.contains(.fileReady(path: renamed, arrival: .renamed)))
        #expect(!recorder.paths.contains { $0.hasPrefix(renamed + "/") }, "a link to a directory is not descended into")
        #expect(await recorder.cancel())
    }

    @Test func hiddenPartialAndSwapFilesAreIgnored() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let recorder = try await startWatching(inbox)

        try inbox.write(".hidden")
        try inbox.write("a.part")
        try inbox.write("b.swp")
        try inbox.write("C.TMP")
        let sentinel = try inbox.write("zz-sentinel.csv")
        #expect(await recorder.waitFor(sentinel))
        #expect(recorder.paths == [inbox.url("ready.csv"), sentinel])
        #expect(await recorder.cancel())
    }

    @Test func extraIgnoredSuffixesAreHonoured() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let recorder = try await startWatching(inbox, filter: FileNameFilter(extraIgnoredSuffixes: [".crdownload"]))

        try inbox.write("big.csv.crdownload")
        let sentinel = try inbox.write("zz-sentinel.csv")
        #expect(await recorder.waitFor(sentinel))
        #expect(recorder.paths == [inbox.url("ready.csv"), sentinel])
        #expect(await recorder.cancel())
    }

    @Test func subdirectoryCreatedAfterStartIsWatched() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let recorder = try await startWatching(inbox)

        try inbox.makeDirectory("sub")
        let first = try inbox.write("sub/first.csv")  // may beat the new watch: found by its scan
        #expect(await recorder.waitFor(first))
        try inbox.makeDirectory("sub/deeper")
        let second = try inbox.write("sub/deeper/second.jsonl")
        #expect(await recorder.waitFor(second))
        let third = try inbox.write("sub/third.csv")  // the watch surely exists now
        #expect(await recorder.waitFor(third))
        #expect(recorder.count(of: third) == 1)
        #expect(await recorder.cancel())
    }

    @Test func directoryMovedInWithFilesAlreadyInsideIsScanned() async throws {
        let inbox = try TemporaryDirectory()
        let staging = try TemporaryDirectory("staging")  // same file system (/tmp)
        defer { inbox.remove(); staging.remove() }
        let recorder = try await startWatching(inbox)

        try staging.makeDirectory("batch")
        try staging.makeDirectory("batch/nested")
        try staging.write("batch/one.csv")
        try staging.write("batch/nested/two.jsonl")
        try staging.write("batch/three.csv.part")
        try staging.move(staging.url("batch"), to: inbox.url("batch"))

        #expect(await recorder.waitFor(inbox.url("batch/one.csv")))
        #expect(await recorder.waitFor(inbox.url("batch/nested/two.jsonl")))
        // The moved-in directories are watched too.
        let later = try inbox.write("batch/nested/later.csv")
        #expect(await recorder.waitFor(later))
        #expect(!recorder.paths.contains(inbox.url("batch/three.csv.part")))
        #expect(await recorder.cancel())
    }

    @Test func hiddenStagingDirectoryIsReportedOnceRenamedToAnAcceptedName() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let recorder = try await startWatching(inbox)

        try inbox.makeDirectory(".incoming")
        try inbox.write(".incoming/data.csv")
        let sentinel = try inbox.write("zz-sentinel.csv")
        #expect(await recorder.waitFor(sentinel))
        #expect(!recorder.paths.contains { $0.contains("/.incoming/") })

        try inbox.move(inbox.url(".incoming"), to: inbox.url("batch-1"))
        #expect(await recorder.waitFor(inbox.url("batch-1/data.csv")))
        #expect(await recorder.cancel())
    }

    @Test func filesPresentBeforeStartAreYieldedFirstSortedAndFiltered() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        try inbox.write("b.csv")
        try inbox.write("a.jsonl")
        try inbox.makeDirectory("sub")
        try inbox.write("sub/c.csv")
        try inbox.write("sub/d.csv.tmp")
        try inbox.write(".hidden.csv")
        try inbox.makeDirectory(".staging")
        try inbox.write(".staging/e.csv")
        symlink(inbox.url("b.csv"), inbox.url("link.csv"))
        let expected = [inbox.url("a.jsonl"), inbox.url("b.csv"), inbox.url("link.csv"), inbox.url("sub/c.csv")]

        let recorder = EventRecorder(InboxWatcher(root: inbox.path))
        #expect(await recorder.wait { $0.events.count >= 4 })
        let live = try inbox.write("sub/live.csv")
        #expect(await recorder.waitFor(live))
        #expect(Array(recorder.paths.prefix(4)) == expected)
        #expect(recorder.paths.last == live)
        // `.watching` separates what was found at start from what arrived later.
        #expect(Array(recorder.events.prefix(5)) == expected.map { .fileReady(path: $0, arrival: .found) } + [.watching])
        #expect(InboxWatcher.scan(root: inbox.path) == expected + [live])
        #expect(await recorder.cancel())
    }

    @Test func directoryRenamedInsideTheTreeIsReportedUnderItsNewPath() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        try inbox.makeDirectory("a")
        try inbox.makeDirectory("a/inner")
        let recorder = try await startWatching(inbox)

        try inbox.move(inbox.url("a"), to: inbox.url("b"))
        let renamed = try inbox.write("b/inner/x.csv")
        #expect(await recorder.waitFor(renamed))
        #expect(!recorder.paths.contains { $0.hasPrefix(inbox.url("a/")) })

        // A new directory at the old path is watched afresh.
        try inbox.makeDirectory("a")
        let reused = try inbox.write("a/z.csv")
        #expect(await recorder.waitFor(reused))
        let again = try inbox.write("a/zz.csv")
        #expect(await recorder.waitFor(again))
        let inner = try inbox.write("b/inner/y.csv")
        #expect(await recorder.waitFor(inner))
        #expect(await recorder.cancel())
    }

    @Test func directoryMovedOutOfTheTreeIsNoLongerReported() async throws {
        let inbox = try TemporaryDirectory()
        let outside = try TemporaryDirectory("outside")
        defer { inbox.remove(); outside.remove() }
        try inbox.makeDirectory("gone")
        let recorder = try await startWatching(inbox)

        try inbox.move(inbox.url("gone"), to: outside.url("gone"))
        // A new directory under the old name, holding a file of the same name as one about
        // to be written outside: a watch left on the moved directory would report it again.
        try inbox.makeDirectory("gone")
        let first = try inbox.write("gone/first.csv")
        #expect(await recorder.waitFor(first))
        let twin = try inbox.write("gone/twin.csv")
        #expect(await recorder.waitFor(twin))
        try outside.write("gone/twin.csv")
        let sentinel = try inbox.write("zz-sentinel.csv")
        #expect(await recorder.waitFor(sentinel))
        #expect(recorder.count(of: twin) == 1)
        #expect(await recorder.cancel())
    }

    @Test func deletedSubdirectoryRecreatedUnderTheSameNameIsWatched() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        try inbox.makeDirectory("sub")
        let recorder = try await startWatching(inbox)

        #expect(rmdir(inbox.url("sub")) == 0)
        let sentinel = try inbox.write("zz-sentinel.csv")  // the deletion has been processed
        #expect(await recorder.waitFor(sentinel))
        try inbox.makeDirectory("sub")
        let first = try inbox.write("sub/first.csv")
        #expect(await recorder.waitFor(first))
        let second = try inbox.write("sub/second.csv")
        #expect(await recorder.waitFor(second))
        #expect(await recorder.cancel())
    }

    @Test func cancellationStopsTheWatcherAndAnotherCanStart() async throws {
        let first = try TemporaryDirectory("first")
        let second = try TemporaryDirectory("second")
        defer { first.remove(); second.remove() }

        let recorder = try await startWatching(first)
        #expect(await recorder.cancel())
        #expect(recorder.error == nil)
        try first.write("after-cancel.csv")

        let next = try await startWatching(second)
        let file = try second.write("data.csv")
        #expect(await next.waitFor(file))
        #expect(next.error == nil)
        #expect(recorder.paths == [first.url("ready.csv")])
        #expect(await next.cancel())
    }

    @Test func watcherStoppedMidBurstLeavesNoStaleEventsForTheNextOne() async throws {
        let first = try TemporaryDirectory("burst")
        let second = try TemporaryDirectory("after-burst")
        defer { first.remove(); second.remove() }

        // The second inbox holds the same names, so a stale event from the first watcher
        // (its wds restart at 1 on a new descriptor) would show up as a duplicate here.
        let names = (0..<200).map { "f\($0).csv" }
        for name in names { try second.write(name) }
        let recorder = try await startWatching(first)
        // Stop first, then burst: the watcher thread, waiting in `select`, wakes up for the
        // burst, reads a buffer full of events, handles one and notices the stop.
        #expect(await recorder.cancel())
        for name in names { try first.write(name) }

        let next = EventRecorder(InboxWatcher(root: second.path))
        let sentinel = second.url("zz-sentinel.csv")
        #expect(await next.wait { $0.paths.count >= names.count })
        try second.write("zz-sentinel.csv")
        #expect(await next.waitFor(sentinel))
        #expect(next.paths.count == names.count + 1)
        #expect(Set(next.paths).count == next.paths.count)
        #expect(await next.cancel())
    }

    @Test func aSecondLiveWatcherFailsClearly() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let recorder = try await startWatching(inbox)

        let intruder = EventRecorder(InboxWatcher(root: inbox.path))
        #expect(await intruder.wait(timeout: .seconds(10)) { $0.isFinished })
        #expect(intruder.error as? InboxWatcherError == .anotherWatcherActive)
        #expect(intruder.events.isEmpty)

        let file = try inbox.write("still-working.csv")  // the first one is unaffected
        #expect(await recorder.waitFor(file))
        #expect(await recorder.cancel())
    }

    @Test func missingRootFailsAndCreatesNothing() async throws {
        let root = "/tmp/inboxwatcher-missing-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let recorder = EventRecorder(InboxWatcher(root: root))
        #expect(await recorder.wait { $0.isFinished })
        #expect(recorder.error as? InboxWatcherError == .rootNotFound(root))
        #expect(access(root, F_OK) != 0)
    }

    @Test func rootThatIsAFileFails() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let file = try inbox.write("not-a-directory")
        let recorder = EventRecorder(InboxWatcher(root: file))
        #expect(await recorder.wait { $0.isFinished })
        #expect(recorder.error as? InboxWatcherError == .rootNotADirectory(file))
    }

    @Test func removingTheRootEndsTheSequenceWithAnError() async throws {
        let inbox = try TemporaryDirectory()
        defer { inbox.remove() }
        let recorder = try await startWatching(inbox)

        inbox.remove()
        #expect(await recorder.wait { $0.isFinished })
        #expect(recorder.error as? InboxWatcherError == .rootRemoved(inbox.path))
    }
}

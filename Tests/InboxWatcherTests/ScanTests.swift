import Glibc
import InboxWatcher
import Testing

/// `scan` uses no inotify, so it can run in parallel with anything.
@Suite struct ScanTests {
    @Test func listsReadyFilesRecursivelySortedAndFiltered() throws {
        let inbox = try TemporaryDirectory("scan")
        defer { inbox.remove() }
        try inbox.write("b.csv")
        try inbox.write("a.csv")
        try inbox.write("a.csv.part")
        try inbox.makeDirectory("z")
        try inbox.makeDirectory("z/y")
        try inbox.write("z/y/deep.jsonl")
        try inbox.makeDirectory(".tmp-batch")
        try inbox.write(".tmp-batch/hidden.csv")
        try inbox.makeDirectory("work.tmp")
        try inbox.write("work.tmp/staged.csv")
        symlink(inbox.url("z"), inbox.url("link-to-z"))
        symlink(inbox.url("a.csv"), inbox.url("link.csv"))

        // Links are listed, for the consumer to refuse, and never followed: nothing is found
        // through the link to a directory.
        let expected = [inbox.url("a.csv"), inbox.url("b.csv"), inbox.url("link-to-z"), inbox.url("link.csv"), inbox.url("z/y/deep.jsonl")]
        #expect(InboxWatcher.scan(root: inbox.path) == expected)
        #expect(InboxWatcher(root: inbox.path + "/").scan() == expected)
    }

    @Test func missingRootScansEmpty() {
        #expect(InboxWatcher.scan(root: "/tmp/inboxwatcher-does-not-exist-\(getpid())").isEmpty)
    }

    @Test func relativeRootIsMadeAbsolute() {
        let watcher = InboxWatcher(root: "inbox/")
        #expect(watcher.root.hasPrefix("/"))
        #expect(watcher.root.hasSuffix("/inbox"))
    }
}

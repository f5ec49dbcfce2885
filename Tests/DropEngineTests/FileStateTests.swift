import Testing

@testable import DropEngine

@Suite("A file's states")
struct FileStateTests {
    func file(in state: FileState) -> JournalFile {
        var file = JournalFile(pipeline: "p", kind: .predictions, name: "f.csv", claimedPath: "/p/f.csv", state: .queued, size: 1, claimedAt: "t")
        file.state = state
        return file
    }

    @Test("The life a file normally has is allowed, step by step")
    func forward() throws {
        var file = file(in: .queued)
        for next in [FileState.publishing, .published, .archived] { try file.advance(to: next) }
        #expect(file.state == .archived)
    }

    @Test("A finished file never moves again, and nothing skips the check or the publish", arguments: [
        (FileState.archived, FileState.publishing), (.rejected, .queued), (.duplicate, .archived),
        (.queued, .published), (.queued, .archived), (.publishing, .archived), (.published, .duplicate),
    ])
    func outOfOrder(from: FileState, to: FileState) {
        var file = file(in: from)
        #expect(throws: EngineError.self) { try file.advance(to: to) }
        #expect(file.state == from)
    }

    @Test("Only a file written to after its check goes back: to be checked again, or to set the added rows aside")
    func back() throws {
        var unsent = file(in: .publishing)
        try unsent.advance(to: .queued)
        var appended = file(in: .published)
        try appended.advance(to: .publishing)
        #expect(unsent.state == .queued && appended.state == .publishing)
    }
}

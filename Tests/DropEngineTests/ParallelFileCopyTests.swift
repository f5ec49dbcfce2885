@testable import DropEngine
import Foundation
import Testing

/// `openlayer-drop upload` claims a copy of the file it is given, copied in shares at once.
@Suite("Copying a file in shares")
struct ParallelFileCopyTests {
    @Test("The copy is the file, byte for byte, whatever the number of threads", arguments: [1, 3])
    func sameBytes(threads: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let size = Int(ParallelFileCopy.shareMinimumBytes) * 3 + 12_345
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
        let source = directory.path + "/source.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: source))
        #expect(chmod(source, 0o640) == 0)
        let copy = directory.path + "/copy.csv"
        try ParallelFileCopy.copy(from: source, to: copy, threads: threads)
        #expect(FileManager.default.contents(atPath: copy) == Data(bytes))
        let mode = (try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o640)
        // An existing file is never overwritten.
        #expect(throws: (any Error).self) { try ParallelFileCopy.copy(from: source, to: copy, threads: threads) }
    }
}

@testable import DropEngine
import Foundation
import Testing

@Suite("UTC times written by hand")
struct UTCTimeTests {
    @Test("The same text as Foundation's ISO 8601 format with milliseconds, which reads it back")
    func sameAsFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let fixed: [TimeInterval] = [0, 1_795_600_000.123, 951_782_400, 4_102_444_799.999, 1_764_115_200.5]
        let random = (0..<2000).map { _ in TimeInterval(Int.random(in: 0..<4_102_444_800, using: &generator)) + Double(Int.random(in: 0..<1000, using: &generator)) / 1000 }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            let foundation = date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
            #expect(UTCTime.iso8601(date) == foundation, "\(seconds)")
            let readBack = try Date(UTCTime.iso8601(date), strategy: .iso8601)
            #expect(abs(readBack.timeIntervalSince1970 - seconds) < 0.0011)
        }
    }
}

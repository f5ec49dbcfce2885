@testable import DropEngine
import DropFormats
import Foundation
import Testing

/// The fast path of CSV rows agrees with `RowTyper` on every row it takes, and takes the
/// ordinary ones: a row it gives up on costs time, a row it gets wrong would change what is sent.
@Suite("The byte-level CSV path")
struct CSVRowEncoderTests {
    /// Every row of `csv` through both paths, as the publisher would type it after the survey.
    /// Returns how many rows the fast path took; records a difference as an issue.
    static func compare(_ csv: String, plan: ColumnPlan = Fixtures.fraudPlan) throws -> (taken: Int, rows: Int) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("f.csv", csv)
        let survey = try FileSurvey.survey(path: path, format: .csv, plan: plan)
        let fill = CSVRowEncoder.Fill(ids: InferenceIdGenerator(fileDigest: survey.sha256Bytes), defaultTimestamp: 1_795_600_000)
        let encoder = CSVRowEncoder(plan: plan, columns: survey.columns, stats: survey.stats, timestamps: survey.timestamps, fill: fill)
        let typer = RowTyper(plan: plan, survey: survey)
        let filler = DefaultFiller(plan: plan, fileDigest: survey.sha256Bytes, defaultTimestamp: 1_795_600_000)
        let reader = try SourceReader(path: path, format: .csv)
        var types = [ColumnStats.Seen](repeating: [], count: survey.columns.count)
        var taken = 0
        var ordinal = 0
        while let line = try reader.nextCSVFields() {
            ordinal += 1
            var fast: [UInt8] = []
            let accepted = reader.withCSVFields { encoder.encode($0, ordinal: ordinal, into: &fast, types: &types) } != nil
            guard accepted else { continue }
            taken += 1
            try FastPathAgreement.expect(fast, line: line, ordinal: ordinal, as: reader.csvRecord(line: line), typer: typer, filler: filler)
        }
        return (taken, ordinal)
    }

    @Test("Ordinary rows all take the fast path, and come out as RowTyper makes them")
    func ordinaryRows() throws {
        var csv = "amount,merchant,hour,prediction,scores,country,flag,ratio\n"
        for index in 0..<500 {
            let probability = Double(index % 1000) / 1000
            csv += "\(Double(index) * 1.25),\(["fuel", "grocery", "\"electronics, online\"", "café"][index % 4]),\(index % 24),"
            csv += "\(index % 2),\"[\(probability), \(1 - probability)]\",\(["US", "FR"][index % 2]),\(index % 3 == 0 ? "True" : "false"),\(index % 7)\n"
        }
        let result = try Self.compare(csv)
        #expect(result.rows == 500)
        #expect(result.taken == 500)
    }

    @Test("Unusual spellings either come out as RowTyper makes them or go to it")
    func unusualSpellings() throws {
        let csv = #"""
            inference_id,amount,merchant,hour,prediction,scores,timestamp,note,big,flag
            a1,+3,fuel, 7 ,0,"[1, 0]",1795600000,"say ""hi""",9223372036854775807,TRUE
            a2,.5,N/A,007,1,"[ 0.25 ,0.75 ]",,line\ttab,-9223372036854775808,
            a3,5.,#N/A,-0,0,"[0.5,0.5]",1.5e9,"multi
            line",9223372036854775808,False
            ,1e-7,食料品,,1,"[0.3, 0.7]",1795600000000,,0,NA
            a5,-0.0,"",3,0,"[0.5, 0.5, 0]",1,x,-0,true
            a6,1E5,fuel,4,2,"[0.9, 0.3]",2,\#u{7F}ctl,1,false
            a1,7,fuel,5,0,"[0.5, 0.5]",3,dup,1,true
            a8,inf,fuel,6,0,"[0.5, 0.5]",4,x,1,true
            a9,12,fuel,6,0,[0.5;0.5],4,x,1,true

            """#
        let result = try Self.compare(csv)
        #expect(result.rows == 9)
        #expect(result.taken >= 1, "\(result)")
    }

    @Test("A column the config does not name keeps the survey's one type in the fast path")
    func inferredColumns() throws {
        let csv = """
            amount,merchant,hour,prediction,scores,numbers,integers,mixed,flags,texty
            1,fuel,1,0,"[0.5, 0.5]",1,1,1,True,inf
            2,fuel,1,0,"[0.5, 0.5]",2.5,2,x,False,1
            3,fuel,1,0,"[0.5, 0.5]",,3,True,NA,abc

            """
        let result = try Self.compare(csv)
        #expect(result.taken == 3)
    }

    @Test("The byte checks agree with CSVCell on missing-value words, booleans and numbers")
    func cellChecks() {
        func check(_ text: String, _ body: (CSVCellBytes.Bytes) -> Bool) -> Bool {
            Array(text.utf8).withUnsafeBufferPointer(body)
        }
        for word in CSVCell.missingValueWords { #expect(check(word, CSVCellBytes.isMissing), "\(word)") }
        for word in ["na", "Na", "NULL ", " NA", "#N/A N/", "nulls", "1.#INF", "-1.#IND0", "0", "1.5", "-1.5", "-1", "-1.#", "1.#", "-nan0", "12345678", "-N", "1."] {
            #expect(!check(word, CSVCellBytes.isMissing), "\(word)")
        }
        for text in ["True", "TRUE", "true", "False", "FALSE", "false", "yes", "True ", "tRUE"] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { CSVCellBytes.boolean($0) } == CSVCell.boolean(text), "\(text)")
        }
        for text in ["0", "-1", "12.5", "1e-7", "1E5", "-0.0", "9223372036854775807", "-9223372036854775808"] {
            let canonical = Array(text.utf8).withUnsafeBufferPointer { CSVCellBytes.canonicalNumber($0) }
            switch (canonical, CSVCell.number(text)) {
            case (.integer(let fast)?, .integer(let slow)?): #expect(fast == slow, "\(text)")
            case (.double?, .double?): break
            default: Issue.record("\(text): \(String(describing: canonical)) vs \(String(describing: CSVCell.number(text)))")
            }
        }
        for text in ["+3", ".5", "5.", "007", "-0", " 1", "1 ", "9223372036854775808", "1e500", "0x10", "inf", "1_000", ""] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { CSVCellBytes.canonicalNumber($0) } == nil, "\(text)")
        }
    }

    @Test("A score's double is the one Double(String) reads, to the last bit")
    func scoreDoubles() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var texts = ["0", "-0", "0.5", "1.", ".5", "-.25", "0.1", "0.7", "123456789012345", "1234567890123456", "0.000000000000001", "9.99999999999999"]
        for _ in 0..<5000 {
            let digits = String(next() % 1_000_000_000_000_000)
            let point = Int(next() % UInt64(digits.count + 1))
            let text = (next() % 2 == 0 ? "-" : "") + digits.prefix(point) + "." + digits.dropFirst(point)
            texts.append(text)
        }
        for text in texts {
            let fast = Array(text.utf8).withUnsafeBufferPointer { CSVRowEncoder.double($0) }
            #expect(fast?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test("A score read in one pass is read as the number check and the double read it")
    func shortScores() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var texts = [
            "0", "-0", "00", "01", "0.", ".5", "-", "-.5", "0.5", "-0.5", "-0.0", "1", "-1", "10", "1.5e3", "1E2", "0.076", "0.924",
            "123456789012345", "1234567890123456", "-123456789012345", "0.00000000000001", "0.000000000000001", "1.2.3", "1,5", "",
        ]
        for _ in 0..<5000 {
            let digits = String(next() % 1_000_000_000_000)
            let point = Int(next() % UInt64(digits.count + 1))
            let sign = next() % 3 == 0 ? "-" : ""
            texts.append(point == digits.count ? sign + digits : sign + digits.prefix(point) + "." + digits.dropFirst(point))
        }
        var readInOnePass = 0
        for text in texts {
            Array(text.utf8).withUnsafeBufferPointer { bytes in
                guard let short = CSVRowEncoder.shortCanonicalDecimal(bytes) else { return }
                readInOnePass += 1
                switch CSVCellBytes.canonicalNumber(bytes) {
                case .integer?: #expect(short.isInteger, "\(text)")
                case .double?: #expect(!short.isInteger, "\(text)")
                case nil: Issue.record("\(text): read in one pass, but not a canonical number")
                }
                #expect(short.value.bitPattern == CSVRowEncoder.double(bytes)?.bitPattern, "\(text)")
            }
        }
        #expect(readInOnePass > texts.count / 2)
    }
}

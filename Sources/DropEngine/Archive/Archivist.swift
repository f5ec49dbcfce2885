import Foundation

/// Puts finished files where they belong: published ones in the dated archive with their
/// receipt, refused ones in `rejected/` with their report. Never overwrites a file.
public struct Archivist: Sendable {
    public let directories: DropDirectories

    public init(directories: DropDirectories) {
        self.directories = directories
    }

    /// Moves a published file to `archive/<folder>/YYYY/MM/DD/` (UTC) and writes
    /// `<name>.receipt.json` beside it. `folder` is the pipeline, or `<pipeline>/<kind folder>`.
    /// Returns the archived path.
    public func archive(_ path: String, pipeline folderName: String, at date: Date, receipt: (String) -> Receipt) throws -> (String, Receipt) {
        let day = UTCTime.parts(date)
        var dated: [UInt8] = []
        UTCTime.append(day.year, digits: 4, to: &dated)
        dated.append(UInt8(ascii: "/"))
        UTCTime.append(day.month, digits: 2, to: &dated)
        dated.append(UInt8(ascii: "/"))
        UTCTime.append(day.day, digits: 2, to: &dated)
        let folder = directories.archive + "/" + folderName + "/" + String(decoding: dated, as: UTF8.self)
        let name = URL(fileURLWithPath: path).lastPathComponent
        let archived = try NoOverwriteMove.move(path, into: folder, name: name)
        let finalReceipt = receipt(archived)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try NoOverwriteMove.writeAtomically(try encoder.encode(finalReceipt), to: archived + ".receipt.json", mode: directories.fileMode)
        return (archived, finalReceipt)
    }

    /// Moves a refused file to `rejected/<pipeline>/` and writes `<name>.rejection.txt` beside it.
    /// Returns the path of the report.
    func reject(_ path: String, pipeline: String, report: RejectionReport) throws -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let rejected = try NoOverwriteMove.move(path, into: directories.rejected + "/" + pipeline, name: name)
        let reportPath = rejected + ".rejection.txt"
        try NoOverwriteMove.writeAtomically(Data(report.text.utf8), to: reportPath, mode: directories.fileMode)
        return reportPath
    }
}

extension Archivist {
    /// Moves a file that belongs to no pipeline to `rejected/<folder>/` with `reason`.
    public func rejectUnroutable(_ path: String, folder: String, reason: String, at date: Date) throws -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let report = RejectionReport(fileName: name, pipeline: folder, when: FileProcessor.iso(date), problems: [reason])
        return try reject(path, pipeline: folder, report: report)
    }
}

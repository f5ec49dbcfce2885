import DropFormats
import Foundation

/// Puts finished files where they belong: published ones in the dated archive with their
/// receipt, refused ones in `rejected/` with their report. Never overwrites a file.
///
/// A journaled file is placed in three steps, so that a crash between any two leaves what the
/// next start needs to finish (`FileProcessor`): its destination is chosen (`freePath`) and
/// journaled, the file is moved there (`move`), then the receipt or report is written beside it.
public struct Archivist: Sendable {
    public let directories: DropDirectories

    public init(directories: DropDirectories) {
        self.directories = directories
    }

    /// The receipt beside an archived file.
    static let receiptSuffix = ".receipt.json"
    /// The report beside a rejected file.
    static let reportSuffix = ".rejection.txt"

    /// `archive/<folder>/YYYY/MM/DD` (UTC). `folder` is the pipeline, or `<pipeline>/<kind folder>`.
    func archiveFolder(_ folderName: String, at date: Date) -> String {
        let day = UTCTime.parts(date)
        var dated: [UInt8] = []
        UTCTime.append(day.year, digits: 4, to: &dated)
        dated.append(UInt8(ascii: "/"))
        UTCTime.append(day.month, digits: 2, to: &dated)
        dated.append(UInt8(ascii: "/"))
        UTCTime.append(day.day, digits: 2, to: &dated)
        return directories.archive + "/" + folderName + "/" + String(decoding: dated, as: UTF8.self)
    }

    /// `rejected/<folder>`.
    func rejectedFolder(_ folderName: String) -> String {
        directories.rejected + "/" + folderName
    }

    /// The first of `name`, `name~2`, `name~3`… in `folder` that neither a file nor its sidecar
    /// (`name` + `sidecar`) takes, and that `isReserved` does not hold for another file.
    func freePath(in folder: String, name: String, sidecar: String, isReserved: (String) throws -> Bool = { _ in false }) rethrows -> String {
        var attempt = 1
        while true {
            let path = folder + "/" + NoOverwriteMove.candidate(name, attempt)
            if isFree(path, sidecar: sidecar), try !isReserved(path) { return path }
            attempt += 1
        }
    }

    /// Neither a file nor its sidecar takes `path`.
    func isFree(_ path: String, sidecar: String) -> Bool {
        EntryType(path: path) == nil && EntryType(path: path + sidecar) == nil
    }

    /// Moves `source` to `destination`, making its folder; false when something took the name
    /// meanwhile (nothing moved). `linked` is the crash step between the link and the unlink.
    func move(_ source: String, to destination: String, linked: CrashPoint? = nil) throws -> Bool {
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: destination).deletingLastPathComponent().path, withIntermediateDirectories: true)
        return try NoOverwriteMove.move(source, to: destination, linked: linked)
    }

    /// Writes `<archived>.receipt.json`, atomically.
    func writeReceipt(_ receipt: Receipt, beside archived: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try NoOverwriteMove.writeAtomically(try encoder.encode(receipt), to: archived + Self.receiptSuffix, mode: directories.fileMode)
    }

    /// Writes `<rejected>.rejection.txt`, atomically, and returns its path.
    func writeReport(_ report: RejectionReport, beside rejected: String) throws -> String {
        let path = rejected + Self.reportSuffix
        try NoOverwriteMove.writeAtomically(Data(report.text.utf8), to: path, mode: directories.fileMode)
        return path
    }
}

extension Archivist {
    /// Moves a file that belongs to no pipeline, and so has no journal entry, to
    /// `rejected/<folder>/` with `reason`. Returns the path of the report.
    public func rejectUnroutable(_ path: String, folder: String, reason: String, at date: Date) throws -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let report = RejectionReport(fileName: name, pipeline: folder, when: UTCTime.iso8601(date), problems: [reason])
        while true {
            let destination = try freePath(in: rejectedFolder(folder), name: name, sidecar: Self.reportSuffix)
            if try move(path, to: destination) { return try writeReport(report, beside: destination) }
        }
    }
}

import DropEngine
import Foundation

/// Progress of one upload: while the file is checked, the bytes and rows the survey has read
/// (`SurveyProgress`); then the rows acknowledged, read from the journal as batches land. A
/// line redrawn in place on a terminal, a plain line every tenth otherwise (logs, CI).
final class UploadProgress: @unchecked Sendable {
    private let journal: Journal
    private let fileId: Int64
    private let bytes: Int64
    private let survey: SurveyProgress
    private var lastCheckedTenth = -1
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let started = Date()
    private var lastTenth = -1
    private var drewBar = false

    init(journal: Journal, fileId: Int64, bytes: Int64, survey: SurveyProgress) {
        self.journal = journal
        self.fileId = fileId
        self.bytes = bytes
        self.survey = survey
    }

    func run() async {
        while !Task.isCancelled {
            draw()
            try? await Task.sleep(for: .milliseconds(isTerminal ? 250 : 1000))
        }
    }

    func finish() {
        if drewBar { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func draw() {
        guard let file = try? journal.file(id: fileId), let rows = file.rowCount, rows > 0, file.state == .publishing else {
            drawChecking()
            return
        }
        let done = ((try? journal.batches(fileId: fileId)) ?? []).reduce(0) { $0 + $1.rows }
        let fraction = min(1, Double(done) / Double(rows))
        let elapsed = max(0.001, Date().timeIntervalSince(started))
        let mebibytesPerSecond = fraction * Double(bytes) / 1_048_576 / elapsed
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : nil
        let eta = remaining.map { String(format: "%.0fs left", $0) } ?? "…"
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            write(String(format: "%@ %3.0f%%  %d/%d rows  %.1f MiB/s  %@", bar, fraction * 100, done, rows, mebibytesPerSecond, eta))
        } else {
            let tenth = Int(fraction * 10)
            guard tenth > lastTenth else { return }
            lastTenth = tenth
            FileHandle.standardError.write(Data(String(format: "%d/%d rows (%.0f%%), %.1f MiB/s, %@\n", done, rows, fraction * 100, mebibytesPerSecond, eta).utf8))
        }
    }

    /// The survey's reading: how much of the file is checked, at what speed.
    private func drawChecking() {
        let read = min(survey.bytes, bytes)
        let fraction = bytes > 0 ? Double(read) / Double(bytes) : 0
        let mebibytesPerSecond = Double(read) / 1_048_576 / max(0.001, Date().timeIntervalSince(started))
        let line = String(
            format: "checking: %.1f of %.1f MiB (%.0f%%), %lld rows, %.1f MiB/s", Double(read) / 1_048_576, Double(bytes) / 1_048_576,
            fraction * 100, survey.rows, mebibytesPerSecond)
        if isTerminal {
            write(line)
        } else {
            let tenth = Int(fraction * 10)
            guard tenth > lastCheckedTenth, read > 0 else { return }
            lastCheckedTenth = tenth
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    private func write(_ line: String) {
        drewBar = true
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
    }
}

import ArgumentParser
import DropEngine
import Foundation
import InboxWatcher

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each pipeline's files and health; works while the service runs.",
        discussion: """
            Per pipeline: files waiting in the inbox, queued and publishing, published today (files and rows), rejected today, the last success, and whether requests get through — or are retried, or paused because the key is refused — with the reason and the next attempt. Reads the journal and the state folder; sends nothing.

            Examples:
              openlayer-drop status --config /etc/openlayer-drop/config.yaml
              openlayer-drop status --json | jq '.[] | select(.health != "healthy")'
              openlayer-drop status --watch
            """
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @Flag(help: "Show it again every --interval seconds until interrupted: redrawn in place on a terminal; with --json, one array per line.")
    var watch = false

    @Option(help: "Seconds between two reports of --watch.")
    var interval: Double = 2

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be more than 0 seconds") }
    }

    func run() throws {
        let config = try options.load(requireAPIKey: false)
        guard watch else { return try report(config, compact: false) }
        let isTerminal = isatty(STDOUT_FILENO) == 1
        while true {
            // Home and clear: the new report replaces the old one instead of scrolling.
            if isTerminal && !json { print("\u{1B}[H\u{1B}[2J", terminator: "") }
            try report(config, compact: true)
            fflush(nil)  // every stream: a pipe would otherwise hold the reports back
            Thread.sleep(forTimeInterval: interval)
        }
    }

    /// One report: the table, or the JSON array (on one line when `compact`, so that a watch
    /// prints one array per line).
    private func report(_ config: DropConfig, compact: Bool) throws {
        let statuses = try PipelineStatus.read(config, isDrop: FileNameFilter.default.accepts)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = compact ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(statuses), as: UTF8.self))
            return
        }
        for status in statuses {
            print("\(status.pipeline): \(status.health.rawValue)" + (status.reason.map { " — \($0)" } ?? "") + (status.nextAttempt.map { " (next attempt \($0))" } ?? ""))
            print("  waiting \(status.waiting), queued \(status.queued), publishing \(status.publishing)" + (status.publishedNotArchived > 0 ? ", published but not archived \(status.publishedNotArchived)" : ""))
            print("  today: \(status.publishedToday) files published (\(status.rowsPublishedToday) rows), \(status.rejectedToday) rejected, \(status.duplicatesToday) duplicates")
            print("  last success: \(status.lastSuccess ?? "never")")
        }
    }
}

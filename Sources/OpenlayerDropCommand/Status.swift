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
            """
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() throws {
        let config = try options.load(requireAPIKey: false)
        let statuses = try PipelineStatus.read(config, isDrop: FileNameFilter.default.accepts)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
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

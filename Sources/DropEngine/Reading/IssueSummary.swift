/// Row issues grouped by what went wrong — the column, the kind and the expectation — with a count and
/// the first examples of each, so that a file with ten thousand bad rows reads in ten lines.
public struct IssueSummary: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        public var kind: IssueKind
        public var columnName: String?
        public var expected: String
        public var hint: String?
        public var count: Int
        public var examples: [RowIssue]
    }

    public var groups: [Group]

    /// - Parameter examples: how many issues of each group to keep.
    public init(_ issues: [RowIssue], examples: Int = 3) {
        var groups: [Group] = []
        for issue in issues {
            let expected = Self.kind(of: issue.expected)
            if let index = groups.firstIndex(where: { $0.columnName == issue.columnName && $0.kind == issue.kind && $0.expected == expected }) {
                groups[index].count += 1
                if groups[index].examples.count < examples { groups[index].examples.append(issue) }
            } else {
                groups.append(Group(kind: issue.kind, columnName: issue.columnName, expected: expected, hint: issue.hint, count: 1, examples: [issue]))
            }
        }
        self.groups = groups.sorted { $0.count > $1.count }
    }

    /// The expectation without what was found, or where, so that "a sum of 1.2" and "a sum of
    /// 0.8" read the same in a group's title, as do "(line 3)" and "(line 9)".
    static func kind(of expected: String) -> String {
        let general = expected.range(of: ", found ").map { String(expected[..<$0.lowerBound]) } ?? expected
        return general.range(of: " (line ").map { String(general[..<$0.lowerBound]) } ?? general
    }

    /// Lines like `  3× column 'amount': expected a number` then `    fraud.csv:12:3: found 'abc'`.
    public func lines(fileName: String) -> [String] {
        groups.flatMap { group -> [String] in
            var title = "\(group.count)× "
            if let column = group.columnName { title += "column '\(column)': " }
            title += "expected \(group.expected)"
            if let hint = group.hint { title += " — \(hint)" }
            let examples = group.examples.map { issue in
                "    \(fileName):\(RejectionReport.location(issue))" + (issue.value.map { ": found '\($0)'" } ?? "")
            }
            return ["  " + title] + examples
        }
    }
}

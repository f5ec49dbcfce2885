import DropFormats
import DropJSON

/// The Arrow columns of a bulk upload: the columns that are sent, each typed as the stream
/// path would type its JSON values, so both paths publish the same thing.
struct ArrowSchemaPlan {
    let fields: [ArrowField]

    init(plan: ColumnPlan, survey: FileSurvey) {
        var names: [String]
        if let sent = plan.sentColumns {
            names = sent
        } else {
            names = survey.columns
            if plan.fillsDefaults {
                for column in [plan.inferenceIdColumn, plan.timestampColumn] where !names.contains(column) { names.append(column) }
            }
        }
        fields = names.map { name in
            let stats = survey.stats[name] ?? ColumnStats()
            return ArrowField(name: name, type: Self.arrowType(ColumnType(kind: plan.kind(of: name), stats: stats)))
        }
    }

    /// The Arrow type holding a column's `ColumnType`. A column with no value but missing ones
    /// is text: pandas reads it as an object column.
    static func arrowType(_ type: ColumnType) -> ArrowType {
        switch type {
        case .integer: .int64
        case .double: .double
        case .boolean: .bool
        case .numberList: .listOfDouble
        case .text, .eachCellAlone: .utf8
        }
    }

    /// The row's values in schema order; a value the column's type cannot hold as such (an
    /// object in a text column) is written as its JSON text.
    func values(of row: JSONObject) -> [JSONValue] {
        fields.map { field in
            let value = row[field.name] ?? .null
            switch (field.type, value) {
            case (_, .null): return .null
            case (.utf8, .string): return value
            case (.utf8, _): return .string(String(decoding: JSONWriter.encode(value), as: UTF8.self))
            case (.double, .integer(let number)): return .double(Double(number))
            default: return value
            }
        }
    }
}

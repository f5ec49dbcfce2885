/// One column of an Arrow schema. Names are arbitrary UTF-8 and need not be unique, as in
/// Arrow itself; the order of the fields is the order of the values in every row.
public struct ArrowField: Sendable, Equatable {
    public var name: String
    public var type: ArrowType
    /// Whether the column may hold nulls. Arrow's default, and ours, is true: Openlayer's
    /// columns are optional unless a pipeline says otherwise.
    public var nullable: Bool = true

    public init(name: String, type: ArrowType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

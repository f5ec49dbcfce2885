/// What a dropped file holds, told by the folder it was dropped in.
public enum FileKind: String, Sendable, Codable, CaseIterable {
    /// `inbox/<pipeline>/`: production data, published as new rows.
    case predictions
    /// `inbox/<pipeline>/ground-truths/`: labels for rows published before, matched by inference id.
    case groundTruths
    /// `inbox/<pipeline>/reference/`: the reference dataset drift is measured against.
    case reference

    /// The subfolder of a pipeline's inbox, archive, rejected and processing folders.
    public var folder: String? {
        switch self {
        case .predictions: nil
        case .groundTruths: "ground-truths"
        case .reference: "reference"
        }
    }

    public init?(folder: String) {
        guard let kind = Self.allCases.first(where: { $0.folder == folder }) else { return nil }
        self = kind
    }

    /// `base/<pipeline>` or `base/<pipeline>/<folder>`.
    public func path(under base: String, pipeline: String) -> String {
        folder.map { "\(base)/\(pipeline)/\($0)" } ?? "\(base)/\(pipeline)"
    }
}

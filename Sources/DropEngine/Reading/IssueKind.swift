/// What is wrong with a file or one of its rows, as a short identifier that stays the same
/// when the wording of a report changes: for tests, scripts reading `validate --json`, and
/// grouping a report by kind.
public enum IssueKind: String, Sendable, Codable, CaseIterable {
    // MARK: The file as a whole: nothing of it is sent

    /// 0 bytes: more likely a writer that closed too early than a batch with nothing to say.
    case emptyFile = "empty-file"
    /// The CSV header row is blank.
    case emptyHeader = "empty-header"
    /// A column the data config names is not in the file.
    case missingColumn = "missing-column"
    /// A CSV quote never closed: the rest of the file cannot be read.
    case unterminatedQuote = "unterminated-quote"
    /// More invalid rows than `maxInvalidRowFraction` allows.
    case tooManyInvalidRows = "too-many-invalid-rows"
    /// Neither `.csv` nor `.jsonl`/`.ndjson`.
    case unknownExtension = "unknown-extension"
    /// Gzip-compressed, but not named `.gz`.
    case compressed = "compressed"
    /// Named `.gz`, but not gzip data, damaged or cut short, or expanding more than
    /// `maxExpansionRatio`: the rest of the file was not read.
    case badCompression = "bad-compression"
    /// More columns (or JSONL keys) than `maxColumns`.
    case tooManyColumns = "too-many-columns"
    /// A record or line longer than `maxLineBytes`: the rest of the file was not read.
    case lineTooLong = "line-too-long"

    // MARK: One row: set aside, the others published

    /// A CSV row with more fields than the header (pandas refuses it too; a shorter row has its
    /// missing cells empty).
    case raggedRow = "ragged-row"
    /// A JSONL line that is not valid JSON.
    case badJSONLine = "bad-json-line"
    /// A JSONL line that is valid JSON but not an object.
    case notAnObject = "not-an-object"
    /// A JSONL object without a key the data config names.
    case missingValue = "missing-value"
    case notANumber = "not-a-number"
    /// A list or object where text was expected.
    case notText = "not-text"
    case notAClassIndex = "not-a-class-index"
    /// An integer, but not below `len(classNames)`.
    case classOutOfRange = "class-out-of-range"
    /// Prediction scores that are not a list of numbers.
    case notScores = "not-scores"
    /// Prediction scores of a length other than `len(classNames)`.
    case scoresLength = "scores-length"
    /// Prediction scores that do not sum to 1 (0.9 to 1.1).
    case scoresSum = "scores-sum"
    case notATimestamp = "not-a-timestamp"
    /// UNIX seconds, but further from now than `timestampWindowDays`.
    case timestampWindow = "timestamp-window"
    /// Too large to be UNIX seconds (after the year 5138): milliseconds, micro- or nanoseconds.
    case timestampMilliseconds = "timestamp-milliseconds"
    /// A text cell over 50,000 characters.
    case textTooLong = "text-too-long"
    /// A CSV cell whose bytes are not UTF-8: rejected, never published with its bytes replaced.
    case invalidUTF8 = "invalid-utf8"
    /// A ground truth without the inference id that matches it to its prediction.
    case missingInferenceId = "missing-inference-id"
    /// An inference id an earlier row of the same file already gave.
    case duplicateId = "duplicate-id"
}

extension IssueKind {
    /// How to fix a row with this problem, when the issue itself brings no better hint.
    var hint: String? {
        switch self {
        case .raggedRow: "a field holding a comma, a quote or a line break must be quoted, with inner quotes doubled"
        case .badJSONLine: "each line must hold one complete JSON object"
        case .notAnObject: "each line must hold one JSON object, like {\"amount\": 12.5}"
        case .missingValue: "every row needs the columns the data config names"
        case .notANumber: "write plain numbers: no units, no thousands separators, '.' for decimals"
        case .notText: "write text as a JSON string"
        case .notAClassIndex, .classOutOfRange: "predictions and labels are zero-based positions in classNames"
        case .notScores, .scoresLength: "one probability per class, in the order of classNames, written like \"[0.1, 0.9]\""
        case .notATimestamp: "UNIX seconds, as `date +%s` prints them"
        case .duplicateId: "inference ids must be unique: a ground truth finds its prediction by it"
        default: nil
        }
    }
}

/// A JSON value that keeps what a row on the wire needs to keep: integers apart from
/// doubles (`1` is not `1.0` to Openlayer's schema checks) and the order of an object's keys
/// (so that what is sent reads like what was dropped).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    /// Any other number. Never NaN or infinite: the writer turns those into `null`.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object whose keys keep the order in which they were read or added.
public struct JSONObject: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    public var keys: [String] { fields.map(\.key) }
    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// Linear lookup: rows have tens of keys, where a linear scan beats hashing.
    public subscript(key: String) -> JSONValue? {
        get { fields.first { $0.key == key }?.value }
        set {
            if let index = fields.firstIndex(where: { $0.key == key }) {
                if let newValue { fields[index].value = newValue } else { fields.remove(at: index) }
            } else if let newValue {
                fields.append(Field(key: key, value: newValue))
            }
        }
    }
}

extension JSONObject {
    /// The object with only `keys`, in that order (absent keys are left out).
    public func projected(on keys: [String]) -> JSONObject {
        JSONObject(keys.compactMap { key in self[key].map { Field(key: key, value: $0) } })
    }
}

import DropJSON

/// Navigation helpers for reading answers in tests.
extension JSONValue {
    func at(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    func at(_ index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var integer: Int64? {
        if case .integer(let number) = self { return number }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    /// The compact JSON text, for comparing a whole value including its number types.
    var compactText: String { String(decoding: JSONWriter.encode(self), as: UTF8.self) }
}

/// A field of a schema message: what callers see (`field`) and how its buffers are laid out
/// (`storage`), which the batch decoder needs and the public schema does not show.
package struct ArrowStoredField: Equatable {
    package var field: ArrowField
    package var storage: ArrowStorage

    package init(field: ArrowField, storage: ArrowStorage) {
        precondition(storage.type == field.type, "a field is reported as the type its storage holds")
        self.field = field
        self.storage = storage
    }

    /// A field as our writer stores it.
    init(_ field: ArrowField) {
        self.init(field: field, storage: ArrowStorage(field.type))
    }
}

/// One reference to a model value's fields, copied only when a shared value is changed.
///
/// Why: a verification hands the same ``Response`` and ``Assertion`` to its result, to the policies' context and to
/// the Response that contains the Assertion. As plain structs each copy updated the reference count of every string
/// and array inside them (about three hundred atomic updates per verification); behind this box a copy is one.
/// Mutation is safe because it happens only after `isKnownUniquelyReferenced` (or on a fresh copy), which is what
/// makes the `@unchecked Sendable` sound.
final class CopyOnWriteBox<Value: Sendable>: @unchecked Sendable {
    var value: Value

    init(_ value: Value) { self.value = value }
}

/// Compared and hashed by value (the same box is equal without looking), so that a model type holding one box gets
/// `Equatable` and `Hashable` synthesised from it.
extension CopyOnWriteBox: Equatable where Value: Equatable {
    static func == (a: CopyOnWriteBox, b: CopyOnWriteBox) -> Bool { a === b || a.value == b.value }
}

extension CopyOnWriteBox: Hashable where Value: Hashable {
    func hash(into hasher: inout Hasher) { value.hash(into: &hasher) }
}

/// Makes `box` the only reference to its value (copying it if shared), then changes the value in place.
@inline(__always)
func mutateUniquely<Value>(_ box: inout CopyOnWriteBox<Value>, _ body: (inout Value) -> Void) {
    if !isKnownUniquelyReferenced(&box) { box = CopyOnWriteBox(box.value) }
    body(&box.value)
}

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

extension CopyOnWriteBox where Value: Equatable {
    /// Equal when the same box, or when the values are equal.
    static func same(_ a: CopyOnWriteBox, _ b: CopyOnWriteBox) -> Bool { a === b || a.value == b.value }
}

/// Makes `box` the only reference to its value (copying it if shared), then changes the value in place.
@inline(__always)
func mutateUniquely<Value>(_ box: inout CopyOnWriteBox<Value>, _ body: (inout Value) -> Void) {
    if !isKnownUniquelyReferenced(&box) { box = CopyOnWriteBox(box.value) }
    body(&box.value)
}

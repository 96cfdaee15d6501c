import Foundation
import PropertyBased
import Synchronization
import SAML
import Testing

/// Mutations of a validly signed response inside what its signature covers, at byte, attribute and element level:
/// none may verify with different content, and every answer comes within the cost bound.
@Suite("No mutation inside signed content verifies")
struct MutationPropertyTests {
    enum Mode: CaseIterable, Sendable { case assertion, response, both }
    static func signed(_ mode: Mode) -> (xml: [UInt8], signedRange: Range<Int>, reference: VerifiedResponse) {
        let signing: SigningMode = mode == .assertion ? .assertion : mode == .response ? .response : .both
        let xml = try! Fixtures.signer.signedBytes(Fixtures.response(), mode: signing)
        let text = String(decoding: xml, as: UTF8.self)
        // The bytes the signature covers: the Assertion (assertion-signed) or the whole Response.
        let range: Range<Int>
        if mode == .assertion, let start = text.range(of: "<Assertion "), let end = text.range(of: "</Assertion>") {
            range = text.utf8.distance(from: text.startIndex, to: start.lowerBound)..<text.utf8.distance(from: text.startIndex, to: end.upperBound)
        } else {
            range = 0..<xml.count
        }
        return (xml, range, try! Fixtures.verifier().verify(xml))
    }
    static let cases = Dictionary(uniqueKeysWithValues: Mode.allCases.map { ($0, signed($0)) })

    /// One mutation: what it does and where (positions are reduced modulo the signed range).
    enum Mutation: Sendable, CustomStringConvertible {
        case replaceByte(Int, UInt8), insertByte(Int, UInt8), deleteBytes(Int, Int)
        case attributeValue(Int, String), dropAttribute(Int), duplicateAttribute(Int), addAttribute(Int, String)
        case dropElement(Int), duplicateElement(Int), swapElements(Int, Int), wrapElement(Int)

        var description: String {
            switch self {
            case let .replaceByte(a, b): return "replace byte \(a) with \(b)"
            case let .insertByte(a, b): return "insert \(b) at \(a)"
            case let .deleteBytes(a, n): return "delete \(n) bytes at \(a)"
            case let .attributeValue(i, v): return "attribute #\(i) = \(v.debugDescription)"
            case let .dropAttribute(i): return "drop attribute #\(i)"
            case let .duplicateAttribute(i): return "duplicate attribute #\(i)"
            case let .addAttribute(i, name): return "add \(name) to element #\(i)"
            case let .dropElement(i): return "drop element #\(i)"
            case let .duplicateElement(i): return "duplicate element #\(i)"
            case let .swapElements(i, j): return "swap elements #\(i) and #\(j)"
            case let .wrapElement(i): return "wrap element #\(i)"
            }
        }
    }

    static let mutations: Generator<Mutation, AnySequence<Any>> = {
        let position = Gen.int(in: 0...100_000)
        let byte = Gen.uint8(in: 0...255)
        let values = Gen.element(of: ["", "x", "test-awsadmin@contoso.com ", "admin@evil.example", "2099-01-01T00:00:00Z",
                                      "https://evil.example/saml", "&#65;", "<", "\"", "urn:amazon:webservices"]).map { $0 ?? "" }
        let names = Gen.element(of: ["ID", "xml:id", "xmlns:x", "NotOnOrAfter", "Recipient", "Format"]).map { $0 ?? "ID" }
        return Gen.oneOf(
            zip(position, byte).map { Mutation.replaceByte($0, $1) }.eraseToAny(),
            zip(position, byte).map { Mutation.insertByte($0, $1) }.eraseToAny(),
            zip(position, Gen.int(in: 1...40)).map { Mutation.deleteBytes($0, $1) }.eraseToAny(),
            zip(position, values).map { Mutation.attributeValue($0, $1) }.eraseToAny(),
            position.map { Mutation.dropAttribute($0) }.eraseToAny(),
            position.map { Mutation.duplicateAttribute($0) }.eraseToAny(),
            zip(position, names).map { Mutation.addAttribute($0, $1) }.eraseToAny(),
            position.map { Mutation.dropElement($0) }.eraseToAny(),
            position.map { Mutation.duplicateElement($0) }.eraseToAny(),
            zip(position, position).map { Mutation.swapElements($0, $1) }.eraseToAny(),
            position.map { Mutation.wrapElement($0) }.eraseToAny()
        ).eraseToAny()
    }()

    /// `xml` with `mutation` applied inside `range`; nil when it has nothing to act on.
    static func apply(_ mutation: Mutation, to xml: [UInt8], in range: Range<Int>) -> [UInt8]? {
        let text = String(decoding: xml[range], as: UTF8.self)
        let inner = Array(text.utf8)
        func spans(_ pattern: String) -> [Range<Int>] {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
            let ns = text as NSString
            return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { match in
                Range(match.range, in: text).map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound)..<text.utf8.distance(from: text.startIndex, to: $0.upperBound) }
            }
        }
        var out = inner
        switch mutation {
        case let .replaceByte(p, b):
            let i = p % inner.count
            guard inner[i] != b else { return nil }
            out[i] = b
        case let .insertByte(p, b): out.insert(b, at: p % (inner.count + 1))
        case let .deleteBytes(p, n): let i = p % inner.count; out.removeSubrange(i..<min(inner.count, i + n))
        case let .attributeValue(k, v):
            let attributes = spans("\\s[A-Za-z:]+=\"[^\"]*\"")
            guard !attributes.isEmpty else { return nil }
            let a = attributes[k % attributes.count]
            let name = String(decoding: inner[a], as: UTF8.self).split(separator: "=")[0]
            out.replaceSubrange(a, with: Array("\(name)=\"\(v)\"".utf8))
        case let .dropAttribute(k):
            let attributes = spans("\\s[A-Za-z:]+=\"[^\"]*\"")
            guard !attributes.isEmpty else { return nil }
            out.removeSubrange(attributes[k % attributes.count])
        case let .duplicateAttribute(k):
            let attributes = spans("\\s[A-Za-z:]+=\"[^\"]*\"")
            guard !attributes.isEmpty else { return nil }
            let a = attributes[k % attributes.count]
            out.insert(contentsOf: inner[a], at: a.upperBound)
        case let .addAttribute(k, name):
            let tags = spans("<[A-Za-z:]+")
            guard !tags.isEmpty else { return nil }
            out.insert(contentsOf: Array(" \(name)=\"x\"".utf8), at: tags[k % tags.count].upperBound)
        case let .dropElement(k), let .duplicateElement(k), let .wrapElement(k):
            // Leaf-ish elements: <Name ...>text</Name> or <Name .../>.
            let elements = spans("<([A-Za-z:]+)[^<>]*(/>|>[^<]*</\\1>)")
            guard !elements.isEmpty else { return nil }
            let e = elements[k % elements.count]
            if case .dropElement = mutation { out.removeSubrange(e) }
            if case .duplicateElement = mutation { out.insert(contentsOf: inner[e], at: e.upperBound) }
            if case .wrapElement = mutation {
                out.insert(contentsOf: Array("</Advice>".utf8), at: e.upperBound)
                out.insert(contentsOf: Array("<Advice>".utf8), at: e.lowerBound)
            }
        case let .swapElements(i, j):
            let elements = spans("<([A-Za-z:]+)[^<>]*(/>|>[^<]*</\\1>)")
            guard elements.count > 1 else { return nil }
            let (a, b) = (elements[i % elements.count], elements[j % elements.count])
            guard a != b else { return nil }
            let (first, second) = a.lowerBound < b.lowerBound ? (a, b) : (b, a)
            guard first.upperBound <= second.lowerBound else { return nil }
            out = Array(inner[..<first.lowerBound]) + inner[second] + inner[first.upperBound..<second.lowerBound] + inner[first] + inner[second.upperBound...]
        }
        guard out != inner else { return nil }
        return Array(xml[..<range.lowerBound]) + out + Array(xml[range.upperBound...])
    }

    @Test("mutated responses are refused, or verify to exactly what was signed; each answer within the cost bound",
          arguments: Mode.allCases)
    func mutate(mode: Mode) async {
        guard let signed = Self.cases[mode] else { return }
        let verifier = Fixtures.verifier()
        let tally = Mutex((applied: 0, refused: 0))
        await propertyCheck(count: 400, input: Self.mutations) { mutation in
            guard let mutated = Self.apply(mutation, to: signed.xml, in: signed.signedRange) else { return }
            tally.withLock { $0.applied += 1 }
            let clock = ContinuousClock()
            let start = clock.now
            let result = Result { try verifier.verify(mutated) }
            let elapsed = clock.now - start
            // The cost bound, generous for a debug build on a shared machine (saml-bench --hostile measures release).
            #expect(elapsed < .milliseconds(500), "\(mutation): \(elapsed)")
            if case .failure = result { tally.withLock { $0.refused += 1 } }
            if case .success(let verified) = result {
                #expect(verified.assertion == signed.reference.assertion, "\(mutation) verified with other content")
                #expect(verified.response.destination == signed.reference.response.destination || mode == .assertion,
                        "\(mutation) changed the signed Response")
            }
        }
        // The property ran on real mutations, and most of them broke the signature.
        let counts = tally.withLock { $0 }
        #expect(counts.applied >= 300 && counts.refused >= counts.applied * 3 / 4, "\(counts)")
    }
}

/// Limits applied before any parsing work: the size, then a lexical pre-scan of the bytes (`LexicalPrescan`) for
/// the shapes that make libxml2 or the checks after it slow: libxml2 2.9 checks each attribute of an element against
/// every earlier one (60,000 attributes on one element took two minutes), looks namespace prefixes up through every
/// declaration in scope, and recurses per level of nesting. Every limit refused has its own ``SAMLError/Code``.
///
/// The defaults leave ample room for real SAML: an Entra response has 54 elements, 38 attributes, at most 5 on one
/// element, a depth of 6 and no comment (the corpus's `valid_assertion_signed.xml`); Role values add one element each
/// and no attribute, so one with 1,000 of them has about 1,050 elements.
public struct ParseLimits: Sendable, Hashable {
    /// Largest accepted document, in bytes (after base64 decoding). AWS accepts at most 100,000 base64 characters
    /// (aws-entra.md §2.1), which its own paths check first; the library's default leaves room for other uses.
    public var maxDocumentBytes: Int
    /// Most elements in the document.
    public var maxElements: Int
    /// Deepest nesting of elements (the root is depth 1).
    public var maxDepth: Int
    /// Most attributes on one element, namespace declarations included.
    public var maxAttributesPerElement: Int
    /// Most attributes in the whole document (libxml2 allocates two nodes for each; an Entra response has 38, and
    /// Role values add none).
    public var maxAttributes: Int
    /// Most namespace declarations (`xmlns`, `xmlns:p`) on one element.
    public var maxNamespaceDeclarationsPerElement: Int
    /// Most namespace declarations in the whole document.
    public var maxNamespaceDeclarations: Int
    /// Most comments and CDATA sections (libxml2 makes a node of each; Entra sends none).
    public var maxComments: Int
    /// Longest value of an ID attribute (`ID`, `Id`, `id`, `xml:id`, `AssertionID`, `ResponseID`), in bytes.
    public var maxIDLength: Int
    /// Most canonicalisation work for one pass of libxmlsec1 (each Reference and each SignedInfo is one, over the whole
    /// document, before any signature is checked), counted over every element as its depth times the namespace
    /// declarations in scope plus its depth (C14N 1.0), or its depth times one more than the InclusiveNamespaces
    /// prefixes (exclusive C14N). Each limit above allows its factor; together, 240 declarations in scope over 9,800
    /// elements 60 deep took 5 s for 48 KB under C14N 1.0 (stop 25, tried as an attacker would). An Entra response
    /// counts about 800, one with 1,000 Role values about 31,000; 7,104 attribute values with `xsi:type` and a
    /// PrefixList of `xs xsi` (459 KB) pass. The heaviest shapes found under the default answer in about 50 ms through
    /// `saml verify` with five certificates, process start included.
    public var maxCanonicalizationWork: Int

    /// Creates limits; each defaults to ample room for real SAML.
    /// - Parameters:
    ///   - maxDocumentBytes: The largest document accepted, in bytes after base64 decoding.
    ///   - maxElements: The most elements in the document.
    ///   - maxDepth: The deepest nesting of elements (the root is depth 1).
    ///   - maxAttributesPerElement: The most attributes on one element, namespace declarations included.
    ///   - maxAttributes: The most attributes in the whole document.
    ///   - maxNamespaceDeclarationsPerElement: The most namespace declarations on one element.
    ///   - maxNamespaceDeclarations: The most namespace declarations in the whole document.
    ///   - maxComments: The most comments and CDATA sections.
    ///   - maxIDLength: The longest value of an ID attribute, in bytes.
    ///   - maxCanonicalizationWork: The most canonicalisation work (``maxCanonicalizationWork``).
    public init(maxDocumentBytes: Int = 1 << 20, maxElements: Int = 10_000, maxDepth: Int = 64,
                maxAttributesPerElement: Int = 32, maxAttributes: Int = 10_000, maxNamespaceDeclarationsPerElement: Int = 16,
                maxNamespaceDeclarations: Int = 256, maxComments: Int = 1_000, maxIDLength: Int = 256,
                maxCanonicalizationWork: Int = 500_000) {
        self.maxCanonicalizationWork = maxCanonicalizationWork
        self.maxComments = maxComments
        self.maxDocumentBytes = maxDocumentBytes
        self.maxElements = maxElements
        self.maxDepth = maxDepth
        self.maxAttributesPerElement = maxAttributesPerElement
        self.maxAttributes = maxAttributes
        self.maxNamespaceDeclarationsPerElement = maxNamespaceDeclarationsPerElement
        self.maxNamespaceDeclarations = maxNamespaceDeclarations
        self.maxIDLength = maxIDLength
    }

    public static let `default` = ParseLimits()

    /// For documents this library wrote itself (signing, encrypting): no limit. Never for received messages.
    static let ownOutput = ParseLimits(maxDocumentBytes: .max, maxElements: .max, maxDepth: .max, maxAttributesPerElement: .max,
                                       maxAttributes: .max, maxNamespaceDeclarationsPerElement: .max, maxNamespaceDeclarations: .max, maxComments: .max,
                                       maxIDLength: .max, maxCanonicalizationWork: .max)
}

extension SAMLError.Code {
    /// More elements than ``ParseLimits/maxElements``.
    public static let limitElements = Self(rawValue: "limit.elements")
    /// Nested deeper than ``ParseLimits/maxDepth``.
    public static let limitDepth = Self(rawValue: "limit.depth")
    /// An element with more attributes than ``ParseLimits/maxAttributesPerElement``, or a document with more than
    /// ``ParseLimits/maxAttributes``.
    public static let limitAttributes = Self(rawValue: "limit.attributes")
    /// Too many namespace declarations on one element or in the document.
    public static let limitNamespaces = Self(rawValue: "limit.namespaces")
    /// More comments and CDATA sections than ``ParseLimits/maxComments``.
    public static let limitComments = Self(rawValue: "limit.comments")
    /// An ID attribute longer than ``ParseLimits/maxIDLength``.
    public static let limitIDLength = Self(rawValue: "limit.idLength")
    /// More canonicalisation work than ``ParseLimits/maxCanonicalizationWork``.
    public static let limitCanonicalization = Self(rawValue: "limit.canonicalization")
}

/// The URIs that fill most of an Entra response's values (attribute names, formats, methods, status codes, AWS's
/// endpoints), as the constant strings this library already holds.
///
/// Why: a verification read about forty strings of more than fifteen bytes, each a heap allocation and then
/// reference counting at every copy; a value equal to one of these is returned as the constant instead, which has
/// static storage (no allocation, no counting). The lookup compares bytes in place and rejects most values on their
/// length alone.
enum KnownStrings {
    private static let strings: [String] = [
        SAMLURI.statusSuccess, SAMLURI.statusRequester, SAMLURI.statusResponder, SAMLURI.bearer,
        SAMLURI.nameIDEmail, SAMLURI.nameIDUnspecified, SAMLURI.nameIDPersistent, SAMLURI.nameIDTransient,
        "urn:oasis:names:tc:SAML:2.0:nameid-format:entity",
        SAMLURI.authnContextPassword, SAMLURI.authnContextPasswordProtectedTransport,
        "urn:oasis:names:tc:SAML:2.0:attrname-format:uri", "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
        "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified",
        AttributeName.awsRole, AttributeName.awsRoleSessionName, AttributeName.awsSessionDuration,
        AttributeName.awsSourceIdentity, AttributeName.awsTransitiveTagKeys,
        AttributeName.tenantID, AttributeName.objectIdentifier, AttributeName.displayName, AttributeName.identityProvider,
        AttributeName.authnMethodsReferences, AttributeName.givenName, AttributeName.surname, AttributeName.emailAddress,
        AttributeName.name, AttributeName.role,
        // Entra's authnmethodsreferences values (aws-entra.md §1).
        "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password",
        "http://schemas.microsoft.com/claims/multipleauthn",
        "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/x509",
        // AWS's sign-in endpoint and audience (aws-entra.md §2).
        "https://signin.aws.amazon.com/saml", "urn:amazon:webservices",
    ]
    private static let bytes = ByteStrings(strings)
    /// Bit n set when some string is n bytes long (all are shorter than 128).
    private static let lengths: (UInt64, UInt64) = strings.reduce(into: (0, 0)) { bits, string in
        let n = string.utf8.count
        if n < 64 { bits.0 |= 1 << UInt64(n) } else if n < 128 { bits.1 |= 1 << UInt64(n - 64) }
    }

    /// The constant equal to `candidate`, if there is one.
    @inline(__always)
    static func lookup(_ candidate: UnsafeBufferPointer<UInt8>) -> String? {
        let n = candidate.count
        guard n > 15, n < 128, (n < 64 ? lengths.0 >> UInt64(n) : lengths.1 >> UInt64(n - 64)) & 1 == 1 else { return nil }
        return bytes.index(of: candidate).map { strings[$0] }
    }

    /// `candidate` as a String: the constant when it is one, else a new string.
    @inline(__always)
    static func string(_ candidate: UnsafeBufferPointer<UInt8>) -> String {
        lookup(candidate) ?? String(decoding: candidate, as: UTF8.self)
    }
}

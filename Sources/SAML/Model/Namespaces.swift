/// XML namespace and algorithm URIs used across the library.
public enum SAMLNamespace {
    public static let protocol_ = "urn:oasis:names:tc:SAML:2.0:protocol"
    public static let assertion = "urn:oasis:names:tc:SAML:2.0:assertion"
    public static let xmldsig = "http://www.w3.org/2000/09/xmldsig#"
    public static let xmlenc = "http://www.w3.org/2001/04/xmlenc#"
}

/// Well-known SAML URIs (SAML core §3.2.2.2, §8).
public enum SAMLURI {
    public static let statusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"
    public static let statusRequester = "urn:oasis:names:tc:SAML:2.0:status:Requester"
    public static let statusResponder = "urn:oasis:names:tc:SAML:2.0:status:Responder"
    public static let bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
    public static let nameIDEmail = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    public static let nameIDUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
    public static let nameIDPersistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    public static let nameIDTransient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    public static let authnContextPassword = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"
    public static let authnContextPasswordProtectedTransport =
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
}

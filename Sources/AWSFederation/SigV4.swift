import Foundation
import SAML

/// AWS Signature Version 4 for query-protocol calls (IAM, STS): signing, for clients such as mock-entra's role
/// provisioning, and verification, for servers such as mock-aws. One canonicalisation serves both, so what one
/// signs the other verifies; the tests check both against botocore.
package enum SigV4 {
    /// An HTTP request as received or about to be sent.
    package struct Request: Sendable {
        package var method: String
        /// The path, as on the wire (percent-encoded).
        package var path: String
        /// The raw query string, without `?`.
        package var query: String
        /// Header names in any case; repeated names are joined with commas.
        package var headers: [(name: String, value: String)]
        package var body: [UInt8]

        package init(method: String, path: String = "/", query: String = "", headers: [(name: String, value: String)],
                    body: [UInt8] = []) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }

        func header(_ name: String) -> String? {
            let values = headers.filter { $0.name.lowercased() == name }.map(\.value)
            return values.isEmpty ? nil : values.joined(separator: ",")
        }
    }

    /// Access key material.
    package struct Credentials: Sendable, Hashable {
        package var accessKeyID: String
        package var secretAccessKey: String
        /// For temporary credentials (STS): sent as `X-Amz-Security-Token`.
        package var sessionToken: String?

        package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    /// What a verified request was signed with.
    package struct Verified: Sendable, Hashable {
        package var accessKeyID: String
        package var region: String
        package var service: String
        package var date: Date
    }

    // MARK: - Signing

    /// Adds `X-Amz-Date`, `X-Amz-Security-Token` (when present), `X-Amz-Content-SHA256`-free `Authorization` to
    /// `request`, signing `host`, `content-type` (when present) and the `x-amz-*` headers.
    package static func sign(_ request: Request, credentials: Credentials, region: String, service: String, date: Date) -> Request {
        var request = request
        let amzDate = Self.amzDate(date)
        request.headers.removeAll { ["authorization", "x-amz-date", "x-amz-security-token"].contains($0.name.lowercased()) }
        request.headers.append((name: "X-Amz-Date", value: amzDate))
        if let token = credentials.sessionToken { request.headers.append((name: "X-Amz-Security-Token", value: token)) }
        let signed = Set(request.headers.map { $0.name.lowercased() }).filter {
            $0 == "host" || $0 == "content-type" || $0.hasPrefix("x-amz-")
        }.sorted()
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        let signature = Self.signature(request, signedHeaders: signed, amzDate: amzDate, scope: scope,
                                       secret: credentials.secretAccessKey, region: region, service: service)
        request.headers.append((name: "Authorization",
                                value: "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"))
        return request
    }

    // MARK: - Verification

    /// The access key ID named in the Authorization header, or in a presigned request's `X-Amz-Credential`, if any
    /// (to look the key up before verifying).
    package static func accessKeyID(of request: Request) -> String? {
        guard let authorization = request.header("authorization") else {
            // A presigned request names it in X-Amz-Credential.
            let credential = FormEncoding.rawPairs(request.query).first { (try? FormEncoding.decodePath($0.name)) == "X-Amz-Credential" }
            return credential.flatMap { try? FormEncoding.decodePath($0.value) }.map { String($0.prefix { $0 != "/" }) }
        }
        guard let range = authorization.range(of: "Credential=") else { return nil }
        return String(authorization[range.upperBound...].prefix { $0 != "/" && $0 != "," && $0 != " " })
    }

    /// Verifies the `Authorization` header of `request`. `lookup` returns the credentials of an access key ID (and
    /// throws AWS's error for an expired one); `now` and `maxSkew` bound `X-Amz-Date` as AWS does (15 minutes).
    /// `scope` judges the credential scope's region and service (the endpoint knows which it serves) and throws
    /// its refusal; it runs before the key is looked up, as a signature for another service or region is refused
    /// whatever key made it.
    /// With `s3`, S3's rules for the payload (S3 API Reference, "Authenticating Requests: Using the Authorization
    /// Header"): `x-amz-content-sha256` is required and is the canonical request's last line, either the body's hex
    /// SHA-256 (checked against the body) or `UNSIGNED-PAYLOAD`; the streaming forms are refused as not implemented.
    package static func verify(_ request: Request, now: Date, maxSkew: TimeInterval = 900, s3: Bool = false,
                              scope: (_ region: String, _ service: String) throws(AWSError) -> Void = { _, _ throws(AWSError) in },
                              lookup: (String) throws(AWSError) -> Credentials?) throws(AWSError) -> Verified {
        guard let authorization = request.header("authorization") else {
            throw AWSError(code: "MissingAuthenticationToken", message: "Request is missing Authentication Token", httpStatus: 403)
        }
        let incomplete = AWSError(code: "IncompleteSignature",
                                  message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
                                  httpStatus: 400)
        guard authorization.hasPrefix("AWS4-HMAC-SHA256 ") else {
            throw AWSError(code: "IncompleteSignature", message: "Unsupported AWS 'algorithm': '\(authorization.prefix { $0 != " " })'",
                           httpStatus: 400)
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        guard let credential = fields["Credential"], let signedList = fields["SignedHeaders"], let given = fields["Signature"] else {
            throw incomplete
        }
        let scopeParts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scopeParts.count == 5, scopeParts[4] == "aws4_request" else { throw incomplete }
        let (keyID, day, region, service) = (scopeParts[0], scopeParts[1], scopeParts[2], scopeParts[3])
        try scope(region, service)
        let signedHeaders = signedList.split(separator: ";").map(String.init)
        // The date must be covered by the signature, or the freshness check below could be defeated by editing it.
        let dateHeader = request.header("x-amz-date") != nil ? "x-amz-date" : "date"
        guard signedHeaders.contains("host"), signedHeaders.contains(dateHeader), signedHeaders == signedHeaders.sorted(),
              let amzDate = request.header(dateHeader), let date = parseAmzDate(amzDate),
              amzDate.hasPrefix(day) else { throw incomplete }
        // The body is always hashed here; a claimed hash must match it, or a signed request's body could be swapped.
        let claimed = request.header("x-amz-content-sha256")
        var payloadLine = payloadHash(request)
        if s3 {
            // S3: every x-amz-* header must be signed (S3 API Reference, "Signature Calculations for the Authorization
            // Header"), so none can be added to a signed request.
            if request.headers.contains(where: { $0.name.lowercased().hasPrefix("x-amz-") && !signedHeaders.contains($0.name.lowercased()) }) {
                throw AWSError(code: "AccessDenied", message: "There were headers present in the request which were not signed", httpStatus: 403)
            }
            guard let claimed else {
                throw AWSError(code: "InvalidRequest", message: "Missing required header for this request: x-amz-content-sha256", httpStatus: 400)
            }
            if claimed == "UNSIGNED-PAYLOAD" {
                payloadLine = claimed
            } else if claimed.hasPrefix("STREAMING-") {
                throw AWSError(code: "NotImplemented", message: "A header you provided implies functionality that is not implemented",
                               httpStatus: 501)
            }
        }
        if let claimed, claimed != payloadLine {
            throw AWSError(code: "XAmzContentSHA256Mismatch",
                           message: "The provided 'x-amz-content-sha256' header does not match what was computed.", httpStatus: 400)
        }
        guard abs(date.timeIntervalSince(now)) <= maxSkew else {
            // S3's own code and text for the same refusal (S3 API Reference, "Error responses").
            if s3 {
                throw AWSError(code: "RequestTimeTooSkewed", message: "The difference between the request time and the current time is too large.",
                               httpStatus: 403)
            }
            throw AWSError(code: "SignatureDoesNotMatch",
                           message: "Signature expired: \(amzDate) is now earlier than \(Self.amzDate(now.addingTimeInterval(-maxSkew))) (\(Self.amzDate(now)) - 15 min.)",
                           httpStatus: 403)
        }
        guard let credentials = try lookup(keyID) else {
            throw AWSError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", httpStatus: 403)
        }
        // A token must be the one issued with the key, and a long-term key takes none (AWS refuses a token that was
        // not issued with the key; ignoring it would accept a request AWS refuses).
        guard request.header("x-amz-security-token") == credentials.sessionToken else {
            if s3 { throw AWSError(code: "InvalidToken", message: "The provided token is malformed or otherwise invalid.", httpStatus: 400) }
            throw AWSError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", httpStatus: 403)
        }
        let expected = signature(request, signedHeaders: signedHeaders, amzDate: amzDate, scope: "\(day)/\(region)/\(service)/aws4_request",
                                 secret: credentials.secretAccessKey, region: region, service: service, payloadLine: payloadLine)
        // Constant-time comparison: the signature is a secret-derived value.
        guard constantTimeEqual(expected, given) else {
            throw AWSError(code: "SignatureDoesNotMatch",
                           message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                           httpStatus: 403)
        }
        return Verified(accessKeyID: keyID, region: region, service: service, date: date)
    }

    /// The query parameters of a presigned request (S3 API Reference, "Authenticating Requests: Using Query
    /// Parameters (AWS Signature Version 4)").
    package static let queryAuthParameters = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                                              "X-Amz-SignedHeaders", "X-Amz-Signature"]

    /// Whether `request` carries SigV4 in its query string (a presigned URL) rather than in `Authorization`.
    package static func isPresigned(_ request: Request) -> Bool {
        FormEncoding.rawPairs(request.query).contains { (try? FormEncoding.decodePath($0.name)) == "X-Amz-Signature" }
    }

    /// Verifies a presigned request: SigV4 in the query string, the payload `UNSIGNED-PAYLOAD`, valid from
    /// `X-Amz-Date` for `X-Amz-Expires` seconds (at most 604,800, seven days). Texts as S3 answers them: "Request has
    /// expired", "Request is not yet valid" (AccessDenied, 403; minio/minio#2638 shows S3's document), and
    /// `AuthorizationQueryParametersError` (400) for a missing, repeated or out-of-range parameter. An
    /// `Authorization` header beside the query signature is refused, as S3 refuses two mechanisms at once.
    /// - Parameters:
    ///   - request: The request as received.
    ///   - now: The server's time.
    ///   - scope: Judges the credential scope's region and service, before any key is looked up.
    ///   - lookup: The credentials of an access key ID.
    /// - Returns: What the request was signed with.
    package static func verifyPresigned(_ request: Request, now: Date,
                                        scope: (_ region: String, _ service: String) throws(AWSError) -> Void,
                                        lookup: (String) throws(AWSError) -> Credentials?) throws(AWSError) -> Verified {
        func malformed(_ message: String) -> AWSError { AWSError(code: "AuthorizationQueryParametersError", message: message, httpStatus: 400) }
        guard request.header("authorization") == nil else {
            throw AWSError(code: "InvalidArgument", message: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
                           httpStatus: 400)
        }
        var parameters: [String: String] = [:]
        for pair in FormEncoding.rawPairs(request.query) {
            guard let name = try? FormEncoding.decodePath(pair.name), let value = try? FormEncoding.decodePath(pair.value) else {
                throw malformed("The query string is malformed.")
            }
            guard queryAuthParameters.contains(name) || name == "X-Amz-Security-Token" else { continue }
            // A repeated parameter is refused, never resolved one way here and another in a client's canonical form.
            guard parameters[name] == nil else { throw malformed("Query-string authentication parameter \(name) appears more than once.") }
            parameters[name] = value
        }
        guard queryAuthParameters.allSatisfy({ parameters[$0] != nil }), let credential = parameters["X-Amz-Credential"],
              let amzDate = parameters["X-Amz-Date"], let expiresText = parameters["X-Amz-Expires"],
              let signedList = parameters["X-Amz-SignedHeaders"], let given = parameters["X-Amz-Signature"] else {
            throw malformed("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
        }
        guard parameters["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256" else {
            throw malformed("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
        }
        // Digits only: `Int("+60")` would accept a sign S3 does not.
        if expiresText.hasPrefix("-"), Int(expiresText) != nil { throw malformed("X-Amz-Expires must be non-negative") }
        guard !expiresText.isEmpty, expiresText.utf8.count <= 7, expiresText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let expires = Int(expiresText) else { throw malformed("X-Amz-Expires should be a number") }
        guard expires <= 604_800 else { throw malformed("X-Amz-Expires must be less than a week (in seconds) that is 604800") }
        guard expires > 0 else { throw malformed("X-Amz-Expires must be non-negative") }
        let scopeParts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scopeParts.count == 5, scopeParts[4] == "aws4_request", let date = parseAmzDate(amzDate), amzDate.hasPrefix(scopeParts[1]) else {
            throw malformed("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
        }
        let (keyID, day, region, service) = (scopeParts[0], scopeParts[1], scopeParts[2], scopeParts[3])
        try scope(region, service)
        let signedHeaders = signedList.split(separator: ";").map(String.init)
        guard signedHeaders.contains("host"), signedHeaders == signedHeaders.sorted() else {
            throw malformed("X-Amz-SignedHeaders must include the host header.")
        }
        // S3 allows a presigned URL to be used from X-Amz-Date (with the usual 15 minutes of skew) until it expires.
        guard date.timeIntervalSince(now) <= 900 else {
            throw AWSError(code: "AccessDenied", message: "Request is not yet valid", httpStatus: 403)
        }
        guard now.timeIntervalSince(date) <= TimeInterval(expires) else {
            throw AWSError(code: "AccessDenied", message: "Request has expired", httpStatus: 403)
        }
        guard let credentials = try lookup(keyID) else {
            throw AWSError(code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records.", httpStatus: 403)
        }
        guard parameters["X-Amz-Security-Token"] == credentials.sessionToken else {
            throw AWSError(code: "InvalidToken", message: "The provided token is malformed or otherwise invalid.", httpStatus: 400)
        }
        // Every x-amz-* header must be signed, as for header signatures (S3 answers "There were headers present in
        // the request which were not signed"): an unsigned x-amz-copy-source would turn a presigned PUT into a copy.
        if request.headers.contains(where: { $0.name.lowercased().hasPrefix("x-amz-") && !signedHeaders.contains($0.name.lowercased()) }) {
            throw AWSError(code: "AccessDenied", message: "There were headers present in the request which were not signed", httpStatus: 403)
        }
        // The canonical query is every parameter but the signature itself.
        var unsigned = request
        unsigned.query = FormEncoding.rawPairs(request.query).filter { (try? FormEncoding.decodePath($0.name)) != "X-Amz-Signature" }
            .map { $0.name + "=" + $0.value }.joined(separator: "&")
        let expected = signature(unsigned, signedHeaders: signedHeaders, amzDate: amzDate, scope: "\(day)/\(region)/\(service)/aws4_request",
                                 secret: credentials.secretAccessKey, region: region, service: service, payloadLine: "UNSIGNED-PAYLOAD")
        guard constantTimeEqual(expected, given) else {
            throw AWSError(code: "SignatureDoesNotMatch",
                           message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                           httpStatus: 403)
        }
        return Verified(accessKeyID: keyID, region: region, service: service, date: date)
    }

    /// Signs `request` as a presigned URL: the SigV4 parameters added to its query (what botocore's
    /// `generate_presigned_url` makes), valid for `expires` seconds from `date`.
    /// - Parameters:
    ///   - request: The request to sign; its `Host` header must be set.
    ///   - credentials: The key to sign with; a session token is added to the query.
    ///   - region: The credential scope's region.
    ///   - service: The credential scope's service.
    ///   - date: The signing time.
    ///   - expires: Seconds of validity.
    /// - Returns: The request with the query-string signature.
    package static func presign(_ request: Request, credentials: Credentials, region: String, service: String, date: Date,
                                expires: Int) -> Request {
        var request = request
        let amzDate = Self.amzDate(date)
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        var query = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
                     ("X-Amz-Date", amzDate), ("X-Amz-Expires", "\(expires)"), ("X-Amz-SignedHeaders", "host")]
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        let added = query.map { FormEncoding.encode($0.0) + "=" + FormEncoding.encode($0.1) }.joined(separator: "&")
        request.query = request.query.isEmpty ? added : request.query + "&" + added
        let signature = Self.signature(request, signedHeaders: ["host"], amzDate: amzDate, scope: scope, secret: credentials.secretAccessKey,
                                       region: region, service: service, payloadLine: "UNSIGNED-PAYLOAD")
        request.query += "&X-Amz-Signature=" + signature
        return request
    }

    /// Compares two secret-derived strings in time independent of where they differ.
    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0
    }

    // MARK: - Canonical form (AWS General Reference, "Create a canonical request for Signature Version 4")

    static func signature(_ request: Request, signedHeaders: [String], amzDate: String, scope: String, secret: String,
                          region: String, service: String, payloadLine: String? = nil) -> String {
        let payloadHash = payloadLine ?? payloadHash(request)
        let canonicalHeaders = signedHeaders.map { name in
            "\(name):\(collapse(request.header(name) ?? ""))\n"
        }.joined()
        let canonical = [request.method.uppercased(), canonicalPath(request.path), canonicalQuery(request.query), canonicalHeaders,
                         signedHeaders.joined(separator: ";"), payloadHash].joined(separator: "\n")
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n" + SAMLDigest.hex(SAMLDigest.sha256(Array(canonical.utf8)))
        var key = SAMLDigest.hmacSHA256(key: Array(("AWS4" + secret).utf8), Array(amzDate.prefix(8).utf8))
        for part in [region, service, "aws4_request"] { key = SAMLDigest.hmacSHA256(key: key, Array(part.utf8)) }
        return SAMLDigest.hex(SAMLDigest.hmacSHA256(key: key, Array(stringToSign.utf8)))
    }

    /// The hex SHA-256 of the body as received (never a hash the request claims for itself).
    static func payloadHash(_ request: Request) -> String { SAMLDigest.hex(SAMLDigest.sha256(request.body)) }

    /// Header value with surrounding spaces trimmed and inner runs of spaces collapsed.
    static func collapse(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// Each segment decoded then encoded once (RFC 3986 unreserved kept), as AWS does for non-S3 services.
    static func canonicalPath(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { FormEncoding.encode(literal($0)) }
        return segments.joined(separator: "/")
    }

    /// Parameters decoded, re-encoded (RFC 3986), sorted by name then value.
    static func canonicalQuery(_ query: String) -> String {
        var pairs: [(name: String, value: String)] = []
        for pair in FormEncoding.rawPairs(query) {
            pairs.append((FormEncoding.encode(literal(pair.name)), FormEncoding.encode(literal(pair.value))))
        }
        pairs.sort { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        return pairs.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// Percent-decoding where `+` is a literal plus (SigV4 canonicalises the URI's own encoding, not form encoding).
    private static func literal(_ text: Substring) -> String {
        (try? FormEncoding.decodePath(text)) ?? String(text)
    }

    /// `20250501T120000Z`.
    package static func amzDate(_ date: Date) -> String {
        let text = SAMLInstant.format(date)  // 2025-05-01T12:00:00.000Z
        return text.prefix(19).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") + "Z"
    }

    /// Parses `20250501T120000Z`.
    package static func parseDate(_ text: String) -> Date? { parseAmzDate(text) }

    static func parseAmzDate(_ text: String) -> Date? {
        let c = Array(text)
        guard c.count == 16, c[8] == "T", c[15] == "Z" else { return nil }
        func part(_ range: Range<Int>) -> String { String(c[range]) }
        let day: String = part(0..<4) + "-" + part(4..<6) + "-" + part(6..<8)
        let time: String = part(9..<11) + ":" + part(11..<13) + ":" + part(13..<15)
        return SAMLInstant.parse(day + "T" + time + "Z")
    }
}

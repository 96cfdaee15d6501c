import Foundation
import SAML
import SAMLAttacks

/// The corpus of issue 11's rules: cost bombs and the pre-scan, AWS's per-provider keys, URLs as browsers read them,
/// Destination, SessionNotOnOrAfter and session tags. Each entry is one signed, otherwise valid response with one fault.
extension TestVectorCatalog {
    /// AWSFederation's reason codes (that module is not a dependency of the corpus generator).
    enum AWSCode {
        static let providerKeyMismatch = SAMLError.Code(rawValue: "aws.providerKeyMismatch")
        static let providerNotFound = SAMLError.Code(rawValue: "aws.providerNotFound")
        static let sessionTags = SAMLError.Code(rawValue: "aws.sessionTags")
    }

    /// The second app of the tenant in the AWS entries: same issuer, its own key (`idp-rollover`) and provider.
    public static let appBPair = "arn:aws:iam::123456789012:role/AppBReader,arn:aws:iam::123456789012:saml-provider/AppB"
    public static let adminSession = "Administrator/test-awsadmin@contoso.com @ 123456789012"
    /// The corpus account's Developer role trusts EntraID with no condition on SAML:aud, and allows TagSession.
    public static let developerPair = "arn:aws:iam::123456789012:role/Developer,arn:aws:iam::123456789012:saml-provider/EntraID"
    public static let developerSession = "Developer/test-awsadmin@contoso.com @ 123456789012"

    typealias Add = (String, String) -> Void
    typealias Valid = (String, String, TestVector.Options) -> Void
    typealias Reject = (String, SAMLError.Code, String, String?, TestVector.Options) -> Void

    func hostile(add: Add, valid: Valid, reject: Reject) throws {
        var seed: UInt64 = 200
        func signed(by signer: Signer? = nil, mode: SigningMode = .assertion, _ edit: (inout Response) -> Void) throws -> String {
            seed += 1
            return try (signer ?? idp).sign(Self.base(seed: seed, edit), mode: mode)
        }
        func aws(_ code: String? = nil, sessions: [String]? = nil) -> TestVector.Options {
            TestVector.Options(aws: true, awsCode: code, sessions: sessions)
        }
        let plain = try signed { _ in }

        // 1. A Role pair is only as good as its own provider's keys.
        add("aws_cross_app_key.xml", try signed(by: rollover) { _ in })
        reject("aws_cross_app_key.xml", AWSCode.providerKeyMismatch, "app B's key signs Administrator,EntraID (app A's provider): one Issuer, another app's key",
               nil, aws("InvalidIdentityToken"))
        add("aws_app_b_own_role.xml", try signed(by: rollover) { $0.setRoles([Self.appBPair]) })
        valid("aws_app_b_own_role.xml", "app B's key signs app B's own pair", aws(sessions: ["AppBReader/test-awsadmin@contoso.com @ 123456789012"]))
        add("aws_mixed_pairs_key_b.xml", try signed(by: rollover) {
            $0.setRoles([Self.user.roles[0], Self.appBPair])
        })
        valid("aws_mixed_pairs_key_b.xml", "pairs of A and B signed by B: only B's role is offered",
              aws(sessions: ["AppBReader/test-awsadmin@contoso.com @ 123456789012"]))
        let both = Array(try idp.sign(Self.base(seed: 250) { $0.setRoles([Self.user.roles[0], Self.appBPair]) },
                                      mode: .both).utf8)
        add("aws_split_signatures.xml", String(decoding: try Signer.signTemplates(in: both, elementIDs: [Self.base(seed: 250).id], key: rolloverKey),
                                               as: UTF8.self))
        reject("aws_split_signatures.xml", AWSCode.providerKeyMismatch, "Assertion signed by A, Response by B: no provider made both signatures",
               nil, aws("InvalidIdentityToken"))
        add("aws_attacker_key.xml", try signed(by: attacker) { _ in })
        reject("aws_attacker_key.xml", .signatureUntrustedKey, "signed by a key no provider publishes", nil, aws("InvalidIdentityToken"))
        add("aws_unknown_provider.xml", try signed {
            $0.setRoles(["arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/Other"])
        })
        reject("aws_unknown_provider.xml", AWSCode.providerNotFound, "the pair names a provider the account does not have", nil, aws("InvalidIdentityToken"))
        valid("valid_assertion_signed.xml", "Entra's default response, judged as AWS's console judges it", aws(sessions: [Self.adminSession]))

        // 2. Cost: each limit just over, the same shape just under, and input the pre-scan must read as libxml2 does.
        let bombs: [(CostBomb, Int, SAMLError.Code)] = [(.attributes, 26, .limitAttributes), (.namespaces, 14, .limitNamespaces),
                                                       (.siblings, 9_900, .limitElements), (.depth, 61, .limitDepth), (.idLength, 256, .limitIDLength)]
        for (bomb, under, code) in bombs {
            add("limit_\(bomb.rawValue)_under.xml", try bomb.apply(to: plain, count: under))
            valid("limit_\(bomb.rawValue)_under.xml", "\(bomb.rawValue) bomb just under the default limit (\(under))", TestVector.Options())
            let over = under + (bomb == .siblings ? 200 : 20)
            add("limit_\(bomb.rawValue)_over.xml", try bomb.apply(to: plain, count: over))
            reject("limit_\(bomb.rawValue)_over.xml", code, "\(bomb.rawValue) bomb just over the default limit (\(over))", nil, TestVector.Options())
        }
        let spread = (0..<20).map { "<x xmlns:a\($0)=\"urn:a\" xmlns:b\($0)=\"urn:b\" xmlns:c\($0)=\"urn:c\" xmlns:d\($0)=\"urn:d\" xmlns:e\($0)=\"urn:e\" xmlns:f\($0)=\"urn:f\" xmlns:g\($0)=\"urn:g\" xmlns:h\($0)=\"urn:h\" xmlns:i\($0)=\"urn:i\" xmlns:j\($0)=\"urn:j\" xmlns:k\($0)=\"urn:k\" xmlns:l\($0)=\"urn:l\" xmlns:m\($0)=\"urn:m\"/>" }.joined()
        add("limit_namespaces_total.xml", try AttackEdit.replace(plain, "<samlp:Status>", "<samlp:Extensions>\(spread)</samlp:Extensions><samlp:Status>"))
        reject("limit_namespaces_total.xml", .limitNamespaces, "260 namespace declarations spread over 20 elements (13 each)", nil, TestVector.Options())
        let spreadAttributes = (0..<400).map { e in "<x" + (0..<26).map { " a\($0)=\"\(e)\"" }.joined() + "/>" }.joined()
        add("limit_attributes_total.xml", try AttackEdit.replace(plain, "<samlp:Status>", "<samlp:Extensions>\(spreadAttributes)</samlp:Extensions><samlp:Status>"))
        reject("limit_attributes_total.xml", .limitAttributes, "10,400 attributes spread over 400 elements (26 each)", nil, TestVector.Options())
        add("limit_comments.xml", String(repeating: "<!---->", count: 1_001) + plain)
        reject("limit_comments.xml", .limitComments, "1,001 empty comments before a valid response (a capture padded to cost)", nil, TestVector.Options())
        add("pi_in_prolog.xml", "<?a b?>" + plain)
        reject("pi_in_prolog.xml", .parseProcessingInstruction, "a processing instruction before the root, refused before parsing", nil, TestVector.Options())
        add("limit_assertion_id_long.xml", try AttackEdit.replace(plain, "<Assertion ", "<Assertion AssertionID=\"_\(String(repeating: "b", count: 300))\" "))
        reject("limit_assertion_id_long.xml", .limitIDLength, "a 301-character AssertionID attribute", nil, TestVector.Options())
        add("limit_attributes_on_assertion.xml", try AttackEdit.replace(plain, "<Assertion ", "<Assertion " + (0..<40).map { "z\($0)=\"1\" " }.joined()))
        reject("limit_attributes_on_assertion.xml", .limitAttributes, "40 junk attributes on the signed Assertion", nil, TestVector.Options())
        add("encoding_declared_utf16.xml", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + plain)
        valid("encoding_declared_utf16.xml", "a UTF-16 declaration on UTF-8 bytes is ignored: read as UTF-8, as the pre-scan read it", TestVector.Options())
        add("encoding_declared_utf7.xml", "<?xml version=\"1.0\" encoding=\"UTF-7\"?>" + plain)
        valid("encoding_declared_utf7.xml", "a UTF-7 declaration (where \"+ADw-\" is \"<\") is ignored: the base64 '+' signs stay '+'", TestVector.Options())
        add("encoding_declared_latin1.xml", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + plain)
        valid("encoding_declared_latin1.xml", "an ISO-8859-1 declaration changes nothing about what was scanned", TestVector.Options())
        let malformed: [(String, String, String)] = [
            ("lex_unquoted_attribute.xml", "<samlp:Response ", "an unquoted attribute value"),
            ("lex_cdata_outside_root.xml", "", "a CDATA section before the root"),
            ("lex_unterminated_comment.xml", "</samlp:Response>", "an unterminated comment at the end"),
            ("lex_lt_in_attribute.xml", "<samlp:Response ", "'<' inside an attribute value"),
            ("lex_attribute_without_value.xml", "<samlp:Response ", "an attribute without a value"),
        ]
        for (file, anchor, description) in malformed {
            let text: String
            switch file {
            case "lex_unquoted_attribute.xml": text = try AttackEdit.replace(plain, anchor, anchor + "a=1 ", once: true)
            case "lex_cdata_outside_root.xml": text = "<![CDATA[<x>]]>" + plain
            case "lex_unterminated_comment.xml": text = try AttackEdit.replace(plain, anchor, anchor + "<!-- ", once: true)
            case "lex_lt_in_attribute.xml": text = try AttackEdit.replace(plain, anchor, anchor + "a=\"<x\" ", once: true)
            default: text = try AttackEdit.replace(plain, anchor, anchor + "a ", once: true)
            }
            add(file, text)
            reject(file, .parseMalformed, description, nil, TestVector.Options())
        }
        // AWS's 100,000-character limit: a real signed response with enough Role values to pass it when encoded.
        add("aws_over_100000_characters.xml", try signed {
            $0.setRoles((0..<800).map {
                "arn:aws:iam::123456789012:role/R\($0),arn:aws:iam::123456789012:saml-provider/EntraID"
            })
        })
        reject("aws_over_100000_characters.xml", .inputTooLarge, "800 Role values: over 100,000 base64 characters, refused before decoding",
               nil, aws("ValidationError"))

        // 3. URLs compared the way browsers read them: Recipient and Destination.
        let refused = [
            "https://evil.example\\@us-east-1.signin.aws.amazon.com/saml", "https://evil.example@signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com\\@evil.example/saml", "https://signin.aws.amazon.com\\.evil.example/saml",
            "https://signin.aws.amazon.com/saml ", " https://signin.aws.amazon.com/saml", "HTTPS://signin.aws.amazon.com/saml",
            "https://Signin.aws.amazon.com/saml", "https://signin.aws.amazon.com./saml", "https://signin.aws.amazon.com:443/saml",
            "https://signin.aws.amazon.com:/saml", "https://signin%2Eaws.amazon.com/saml", "https://signin.aws.amazon.com/%73aml",
            "https://signin.aws.amazon.com/x/../saml", "https://signin.aws.amazon.com/./saml", "https://signin.aws.amazon.com/%2e%2E/saml",
            "https://signin.aws.amazon.com//saml", "https://signin.aws.amazon.com/saml/", "https://signin.aws.amazon.com/saml?",
            "https://signin.aws.amazon.com/saml#", "http://signin.aws.amazon.com/saml", "https://xx-evil-1.signin.aws.amazon.com/saml",
            "https://evil.us-east-1.signin.aws.amazon.com/saml", "https://signin.aws.amazon.com.evil.example/saml",
            "https://\u{0455}ignin.aws.amazon.com/saml", "https://signin.aws.amazon.com/SAML", "https://signin.aws.amazon.com/saml/acs/",
            "https://signin.aws.amazon.com/saml/acs/samlspd9imtw2lm46j042k", "https://signin.amazonaws.cn/static/saml",
            "//signin.aws.amazon.com/saml", "https:signin.aws.amazon.com/saml",
        ]
        for (index, url) in refused.enumerated() {
            let recipient = "url_recipient_\(String(format: "%02d", index)).xml"
            add(recipient, try signed { $0.assertion?.subject?.confirmations[0].data?.recipient = url })
            reject(recipient, .subjectConfirmationRecipient, "Recipient \(url.debugDescription)", nil, aws("InvalidIdentityToken"))
        }
        for (index, url) in refused.enumerated() {
            let destination = "url_destination_\(String(format: "%02d", index)).xml"
            add(destination, try signed { $0.destination = url })
            reject(destination, .destinationMismatch, "Destination \(url.debugDescription)", nil, aws("InvalidIdentityToken"))
        }
        for (name, url) in [("regional", "https://eu-west-1.signin.aws.amazon.com/saml"),
                            ("acs", "https://us-east-2.signin.aws.amazon.com/saml/acs/SAMLSPD9IMTW2LM46J042K")] {
            add("url_recipient_\(name).xml", try signed {
                $0.assertion?.subject?.confirmations[0].data?.recipient = url
                $0.destination = url
                $0.setRoles([Self.developerPair])
            })
            valid("url_recipient_\(name).xml", "Recipient and Destination \(url) (Developer: no SAML:aud condition)",
                  aws(sessions: [Self.developerSession]))
        }
        for (name, url) in [("govcloud", "https://signin.amazonaws-us-gov.com/saml"), ("china", "https://signin.amazonaws.cn/saml")] {
            add("url_recipient_\(name).xml", try signed {
                $0.assertion?.subject?.confirmations[0].data?.recipient = url
                $0.setRoles([Self.developerPair])
            })
            reject("url_recipient_\(name).xml", .subjectConfirmationRecipient,
                   "Recipient \(url): another partition's sign-in endpoint, for an arn:aws account", nil, aws("InvalidIdentityToken"))
        }
        add("destination_absent.xml", try signed { $0.destination = nil })
        valid("destination_absent.xml", "no Destination on an unsigned Response", aws(sessions: [Self.adminSession]))

        // 4. SessionNotOnOrAfter and session tags.
        add("session_ended.xml", try signed { $0.assertion?.authnStatement?.sessionNotOnOrAfter = SAMLInstant.parse("2025-05-01T12:00:10Z") })
        reject("session_ended.xml", .timeSessionEnded, "SessionNotOnOrAfter 20 s before the sign-in", nil, aws("ExpiredTokenException"))
        add("session_ends_soon.xml", try signed { $0.assertion?.authnStatement?.sessionNotOnOrAfter = SAMLInstant.parse("2025-05-01T12:10:00Z") })
        valid("session_ends_soon.xml", "SessionNotOnOrAfter in ten minutes: the session ends then", aws(sessions: [Self.adminSession]))
        let tags: [(String, [(String, [String])], [String]?, String, String)] = [
            ("tag_bad_character.xml", [("team", ["a<b"])], nil, "ValidationError", "a tag value with '<'"),
            ("tag_control_character.xml", [("te\u{7F}am", ["x"])], nil, "ValidationError", "a tag key with DEL (a control character)"),
            ("tag_combining_mark.xml", [("team", ["e\u{301}"])], nil, "ValidationError", "a combining mark (not \\p{L})"),
            ("tag_key_too_long.xml", [(String(repeating: "k", count: 129), ["x"])], nil, "ValidationError", "a 129-character key"),
            ("tag_value_too_long.xml", [("team", [String(repeating: "v", count: 257)])], nil, "ValidationError", "a 257-character value"),
            ("tag_astral_value_too_long.xml", [("team", [String(repeating: "\u{1F600}", count: 129)])], nil, "ValidationError", "129 emoji: 258 UTF-16 units"),
            ("tag_aws_key.xml", [("aws:team", ["x"])], nil, "ValidationError", "a key beginning with aws:"),
            ("tag_aws_key_case.xml", [("AwS:team", ["x"])], nil, "ValidationError", "a key beginning with AwS:"),
            ("tag_aws_value.xml", [("team", ["aws:ops"])], nil, "ValidationError", "a value beginning with aws:"),
            ("tag_two_values.xml", [("team", ["a", "b"])], nil, "ValidationError", "a multivalued tag"),
            ("tag_empty_key.xml", [("", ["x"])], nil, "ValidationError", "an empty key"),
            ("tag_duplicate_case.xml", [("Team", ["a"]), ("team", ["b"])], nil, "InvalidParameterValue", "keys equal but for case"),
            ("tag_transitive_unknown.xml", [("team", ["a"])], ["dept"], "InvalidParameterValue", "a transitive key naming no tag"),
            ("tag_fifty_one.xml", (0..<51).map { ("k\($0)", ["v"]) }, nil, "ValidationError", "51 tags"),
        ]
        for (file, list, transitive, code, description) in tags {
            add(file, try signed {
                $0.assertion?.attributeStatement?.attributes += list.map { Attribute(name: AttributeName.awsPrincipalTag($0.0), values: $0.1) }
                if let transitive { $0.assertion?.attributeStatement?.attributes.append(Attribute(name: AttributeName.awsTransitiveTagKeys, values: transitive)) }
            })
            reject(file, AWSCode.sessionTags, description, nil, aws(code))
        }
        add("tag_valid_unicode.xml", try signed {
            $0.setRoles([Self.developerPair])
            $0.assertion?.attributeStatement?.attributes += [Attribute(AttributeName.awsPrincipalTag("équipe"), "développement"),
                                                            Attribute(AttributeName.awsPrincipalTag("Cost Center"), ""),
                                                            Attribute(name: AttributeName.awsTransitiveTagKeys, values: ["ÉQUIPE"])]
        })
        valid("tag_valid_unicode.xml", "letters of any script, a space, an empty value, a transitive key in another case (Developer allows TagSession)",
              aws(sessions: [Self.developerSession]))
    }

}

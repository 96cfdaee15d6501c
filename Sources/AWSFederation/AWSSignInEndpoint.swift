import SAML

/// AWS's SAML sign-in endpoints, matched exactly as AWS lists them (IAM User Guide, "Configure SAML assertions for
/// the authentication response": the Recipient must be `https://signin.aws.amazon.com/saml`, a regional
/// `https://REGION.signin.aws.amazon.com/saml`, or the `/saml/acs/IDP-ID` form of a provider that encrypts assertions;
/// AWS General Reference, "AWS Sign-In endpoints", for the regions; aws-entra.md §2.6 and §4).
///
/// Every candidate is first read with `BrowserURL`, so a URL that a browser would send elsewhere
/// (`https://evil.example\@us-east-1.signin.aws.amazon.com/saml`), or that only matches after decoding or
/// normalising (`%2e`, `:443`, uppercase, a trailing dot), is not an endpoint.
public enum AWSSignInEndpoint {
    /// The Region column of AWS General Reference, "AWS Sign-In endpoints and quotas" (signin-service.html); the
    /// IAM guide forms the URL as `https://region-code.signin.aws.amazon.com/saml` from that column, which lists
    /// us-east-1 too (its row's host is the global one).
    public static let regions: Set<String> = [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1",
        "me-central-1", "mx-central-1", "sa-east-1",
    ]

    /// Hosts whose `/saml` is a sign-in endpoint, besides the regional ones: the global endpoint, China (IAM guide,
    /// China edition), and GovCloud's two (us-gov-west-1's is the unprefixed one).
    static let globalHosts: Set<String> = ["signin.aws.amazon.com", "signin.amazonaws.cn", "signin.amazonaws-us-gov.com",
                                           "us-gov-east-1.signin.amazonaws-us-gov.com"]

    /// The partition whose sign-in endpoint `host` is: a response addressed to China's or GovCloud's sign-in
    /// endpoint is not one for an account of the commercial partition (each partition runs its own sign-in).
    static func partition(ofHost host: String) -> String {
        host.hasSuffix("amazonaws.cn") ? "aws-cn" : host.hasSuffix("amazonaws-us-gov.com") ? "aws-us-gov" : "aws"
    }

    /// The global sign-in endpoint of `partition`, for messages.
    static func example(partition: String) -> String {
        switch partition {
        case "aws-cn": return "https://signin.amazonaws.cn/saml"
        case "aws-us-gov": return "https://signin.amazonaws-us-gov.com/saml"
        default: return "https://signin.aws.amazon.com/saml"
        }
    }

    /// What a Recipient or Destination must be for `partitions`, naming them when they are not only the commercial
    /// one: a response whose Role values name `arn:aws-cn:` providers is checked against China's sign-in, and a
    /// message that named the commercial endpoint as the expected one, with that endpoint found, explained nothing.
    static func expectation(partitions: Set<String>) -> String {
        let sorted = partitions.sorted()
        guard sorted != ["aws"], !sorted.isEmpty else { return "an AWS sign-in endpoint such as https://signin.aws.amazon.com/saml" }
        return "an AWS sign-in endpoint of the \(sorted.joined(separator: " or ")) partition (the providers' ARNs), such as "
            + sorted.map(example(partition:)).joined(separator: " or ")
    }

    /// Whether `url` is an AWS SAML sign-in endpoint of one of `partitions`.
    /// - Parameters:
    ///   - url: A Recipient, Destination or ACS URL.
    ///   - partitions: The partitions accepted, such as `["aws"]`.
    public static func contains(_ url: String, partitions: Set<String>) -> Bool {
        endpointHost(url).map { partitions.contains(partition(ofHost: $0)) } ?? false
    }

    /// Whether `url` is an AWS SAML sign-in endpoint (of any partition).
    /// - Parameter url: A Recipient, Destination or ACS URL.
    public static func contains(_ url: String) -> Bool { endpointHost(url) != nil }

    /// The host of `url` when it is a sign-in endpoint, else nil.
    static func endpointHost(_ url: String) -> String? {
        guard let parsed = try? BrowserURL(url), parsed.scheme == "https", parsed.port == nil, parsed.query == nil,
              parsed.fragment == nil else { return nil }
        let host = parsed.host
        let known: Bool
        if globalHosts.contains(host) {
            known = true
        } else if host.hasSuffix(".signin.aws.amazon.com") {
            known = regions.contains(String(host.dropLast(".signin.aws.amazon.com".count)))
        } else {
            known = false
        }
        guard known else { return nil }
        if parsed.path == "/saml" { return host }
        // The legacy alternative of the global endpoint (aws-entra.md §2.6).
        if parsed.path == "/static/saml" { return host == "signin.aws.amazon.com" ? host : nil }
        // `/saml/acs/IDP-ID`: the endpoint of a provider that requires encrypted assertions (IAM-RP-NEW).
        let parts = parsed.path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[1] == "saml" && parts[2] == "acs" && isProviderID(parts[3]) ? host : nil
    }

    /// An IAM SAML provider's IdP ID as it appears in the ACS URL: GetSAMLProvider's SAMLProviderUUID, typed
    /// `privateKeyIdType` in the IAM model: 22-64 characters of `[A-Z0-9]` (real ones read `SAMLSPD9IMTW2LM46J042K`).
    static func isProviderID(_ s: Substring) -> Bool {
        (22...64).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }
}

/// AWS Management Console URLs, the only RelayState the sign-in endpoint follows after a sign-in (AWS Security Blog,
/// "How to use SAML to automatically direct federated users to a specific AWS Management Console page"): anything
/// else leaves the user on Console Home. Read with `BrowserURL`, so a URL a browser would open elsewhere never counts.
public enum AWSConsoleURL {
    /// The console hosts of the three partitions (commercial, China, GovCloud); a Region may prefix each.
    public static let hosts = ["console.aws.amazon.com", "console.amazonaws.cn", "console.amazonaws-us-gov.com"]

    /// Whether `url` is an https URL on an AWS console host (global or `REGION.` prefixed), with no port.
    /// - Parameter url: A RelayState value.
    public static func contains(_ url: String) -> Bool {
        guard let parsed = try? BrowserURL(url), parsed.scheme == "https", parsed.port == nil else { return false }
        for host in hosts {
            if parsed.host == host { return true }
            if parsed.host.hasSuffix("." + host), AWSSignInEndpoint.regions.contains(String(parsed.host.dropLast(host.count + 1)))
                || parsed.host == "us-gov-east-1." + host || parsed.host == "us-gov-west-1." + host {
                return true
            }
        }
        return false
    }
}

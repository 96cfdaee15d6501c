import AWSFederation

/// The SigV4 credential scope (`DATE/REGION/SERVICE/aws4_request`) a request to one of mock-aws's APIs must carry.
///
/// A signing key is derived for one service in one region (AWS IAM User Guide, "AWS Signature Version 4 for API
/// requests"), and AWS refuses a signature scoped to any other with HTTP 403 `SignatureDoesNotMatch` (IAM User
/// Guide, "Troubleshoot signed requests for AWS APIs": "Credential should be scoped to a valid Region" /
/// "Credential should be scoped to correct service"). Without this check a signature made for one service would
/// be accepted by another, which AWS never does.
struct SigningScope: Sendable, Hashable {
    /// The signing name: `sts`, `iam`, `cloudtrail`.
    let service: String
    /// The regions accepted in the scope.
    let regions: Set<String>
    /// IAM names the offending region in its message; STS does not (see ``regionMessage(_:)``).
    let namesRegion: Bool

    /// STS on the region mock-aws serves, as a regional endpoint `sts.REGION.amazonaws.com` wants; us-east-1 also,
    /// as mock-aws stands for the global endpoint `sts.amazonaws.com` too, which is signed for us-east-1 (a call
    /// to it scoped to ap-southeast-2 gets "Credential should be scoped to a valid region, not 'ap-southeast-2'.",
    /// cognitect-labs/aws-api#27).
    static func sts(serving region: String) -> SigningScope {
        SigningScope(service: "sts", regions: [region, "us-east-1"], namesRegion: false)
    }

    /// IAM is a global service signed for us-east-1 whatever region the caller is in ("If you use a service like
    /// IAM that uses a globally unique endpoint, use the default region (us-east-1)", AWS General Reference,
    /// "Elements of an AWS API request signature", quoted in cognitect-labs/aws-api#27; a us-east-2 scope gets
    /// "Credential should be scoped to a valid region, not 'us-east-2'.", JuliaCloud/AWS.jl#565, aws-sdk-go#156).
    static let iam = SigningScope(service: "iam", regions: ["us-east-1"], namesRegion: true)

    /// The audit trail (`GET /audit`), CloudTrail's data in mock-aws: CloudTrail's signing name, in the region
    /// mock-aws serves (CloudTrail is regional; a later issue makes this LookupEvents).
    static func cloudTrail(serving region: String) -> SigningScope {
        SigningScope(service: "cloudtrail", regions: [region], namesRegion: false)
    }

    /// S3 in the region mock-aws serves.
    static func s3(serving region: String) -> SigningScope {
        SigningScope(service: "s3", regions: [region], namesRegion: false)
    }

    /// Throws AWS's refusal when `region` or `service` is not this scope's. Texts as AWS returns them, trailing
    /// space included: STS answers `<Code>SignatureDoesNotMatch</Code><Message>Credential should be scoped to a
    /// valid region. </Message>` with 403 (namecheap/node-vault-client#25); the service text is "Credential
    /// should be scoped to correct service: 'NAME'. " (cllunsford/aws-signing-proxy#25; a query-protocol service,
    /// CloudFormation, gives it as `Sender`/`SignatureDoesNotMatch`, timkay/aws#111); with both wrong AWS gives the
    /// two sentences, region first.
    func check(region: String, service: String) throws(AWSError) {
        if self.service == "s3", service == "s3", let expected = regions.first, !regions.contains(region) {
            // S3's own answer for a scope in another region (S3 API Reference, error codes).
            throw AWSError(code: "AuthorizationHeaderMalformed",
                           message: "The authorization header is malformed; the region '\(region)' is wrong; expecting '\(expected)'", httpStatus: 400)
        }
        var message = ""
        if !regions.contains(region) { message += regionMessage(region) }
        if service != self.service { message += "Credential should be scoped to correct service: '\(self.service)'. " }
        guard message.isEmpty else { throw AWSError(code: "SignatureDoesNotMatch", message: message, httpStatus: 403) }
    }

    func regionMessage(_ region: String) -> String {
        namesRegion ? "Credential should be scoped to a valid region, not '\(region)'. " : "Credential should be scoped to a valid region. "
    }
}

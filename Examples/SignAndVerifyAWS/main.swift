// Signs an Entra-style AWS response and verifies it as a service provider would.
// Run from the repository root: swift run sign-and-verify-aws
import Foundation
import SAML

func load(_ name: String) throws -> String {
    try String(contentsOf: URL(fileURLWithPath: "TestVectors/keys/\(name)"), encoding: .utf8)
}

do {
    let certificate = try Certificate(pem: load("idp.crt"))
    let signer = try Signer(key: SigningKey(pem: load("idp.key")), certificate: certificate)

    // What Entra posts to AWS when Test-AWSAdmin launches the AWS tile.
    let user = EntraAWSResponse(
        tenantID: "aaaabbbb-0000-cccc-1111-dddd2222eeee", objectID: "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb",
        userPrincipalName: "test-awsadmin@contoso.com", displayName: "Test-AWSAdmin", givenName: "Test",
        surname: "AWSAdmin", mail: "test-awsadmin@contoso.com",
        roles: ["arn:aws:iam::123456789012:role/Administrator,arn:aws:iam::123456789012:saml-provider/EntraID"])
    let response = user.response(clock: SystemClock(), ids: RandomIDGenerator())
    let signed = try signer.sign(response, mode: .assertion)
    print("Signed \(signed.utf8.count)-byte Response \(response.id), assertion signed with RSA-SHA256")

    // The service provider side: trust the IdP certificate only, AWS's audience and sign-in endpoint.
    let verifier = Verifier(trusting: [certificate], serviceProvider: ServiceProvider(
        audiences: ["https://signin.aws.amazon.com/saml", "urn:amazon:webservices"],
        acsURLs: ["https://signin.aws.amazon.com/saml"], idpEntityID: user.issuer),
        replayCache: InMemoryReplayCache())
    let verified = try verifier.verify(base64: Data(signed.utf8).base64EncodedString())
    let sessionName = verified.attribute(AttributeName.awsRoleSessionName)?.first ?? "?"
    for value in verified.attribute(AttributeName.awsRole) ?? [] {
        let arns = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let role = arns.first(where: { $0.contains(":role/") }) else { continue }
        let account = role.split(separator: ":", omittingEmptySubsequences: false)[4]
        let roleName = role.split(separator: "/").last ?? ""
        print("Verified (\(verified.signedElements) signed): \(roleName)/\(sessionName) @ \(account)")
    }

    // The same bytes again are a replay.
    do {
        _ = try verifier.verify(Array(signed.utf8))
        print("error: replay was accepted")
        exit(1)
    } catch {
        print("Replay refused: \(error.code)")
    }
} catch {
    print("error: \(error)")
    exit(1)
}

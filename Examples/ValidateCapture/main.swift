// Example (b): validate a captured SAML response against Entra's federation metadata, as AWS would judge it.
//   swift run validate-capture [METADATA] [CAPTURE] [INSTANT]
// Defaults: the repository's Entra-shaped metadata and a captured response, judged at its capture time.
import AWSFederation
import Foundation
import SAML

let arguments = CommandLine.arguments.dropFirst()
let metadataPath = arguments.first ?? "TestVectors/entra_federationmetadata.xml"
let capturePath = arguments.dropFirst().first ?? "TestVectors/valid_multiple_roles.xml"
let instant = arguments.dropFirst(2).first ?? "2025-05-01T12:00:30Z"

do {
    // The metadata you download from the Entra app ("Federation Metadata XML"): its entity ID and certificates.
    let metadata = try IdentityProviderMetadata.parse(Array(try Data(contentsOf: URL(fileURLWithPath: metadataPath))))
    // The capture, in whatever form it was saved (XML, base64, form body, HTML page, HAR file).
    let captured = try CapturedMessage.decode(Array(try Data(contentsOf: URL(fileURLWithPath: capturePath))))
    let judge = ResponseJudge(certificates: metadata.signingCertificates, entityID: metadata.entityID, aws: true,
                              clock: FixedClock(instant) ?? SystemClock())
    let verdict = judge.judge(captured.xml)
    if verdict.accepted {
        print("AWS accepts it. Sessions:")
        for session in verdict.aws?.sessions ?? [] { print("  \(session)") }
    } else if let error = verdict.error {
        print("AWS rejects it: \(error.code): \(error.message)")
        if let hint = error.hint { print("Fix: \(hint)") }
        exit(1)
    }
} catch {
    print("validate-capture: \(error)")
    exit(2)
}

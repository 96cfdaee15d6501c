#!/usr/bin/env python3
"""Mutation checks: removes one rule at a time, builds, runs the tests that guard it, restores the file, and prints
which tests failed (each rule must make some fail). Usage: python3 Tests/mutation/check.py [NAME-PART ...]"""
import subprocess, sys
import os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..") + "/"
MUTATIONS = [
  ("per-provider keys", "Sources/AWSFederation/AWSFederation.swift",
   "let signedByProvider = !signers.isEmpty && signers.allSatisfy(provider.metadata.signingCertificates.contains)",
   "let signedByProvider = true", "ProviderKeyBindingTests|HostileVectorTests"),
  ("decrypted document under the caller's limits", "Sources/SAML/Rules/CoreVerifier.swift",
   "        var decryptedLimits = limits\n", "        var decryptedLimits = ParseLimits()\n", "DecryptedLimitTests"),
  ("AWS length before decoding (console)", "Sources/AWSFederation/AWSFederation.swift",
   "            try Self.checkAssertionLength(samlResponse)\n", "", "AWSLimitTests|HostileVectorTests"),
  ("lexical pre-scan", "Sources/SAML/Native/NativeDocument.swift",
   "        if prescan { _ = try LexicalPrescan(bytes, limits: limits) }\n", "", "ParseLimitsTests|TestVectorManifestTests"),
  ("UTF-8 only", "Sources/SAML/Native/NativeDocument.swift",
   "Int32(bytes.count), nil, \"UTF-8\",", "Int32(bytes.count), nil, nil,", "ParseLimitsTests|TestVectorManifestTests", ("XML_PARSE_IGNORE_ENC.rawValue | ", "")),
  ("sign-in endpoints via BrowserURL", "Sources/AWSFederation/AWSSignInEndpoint.swift",
   "        guard let parsed = try? BrowserURL(url), parsed.scheme == \"https\", parsed.port == nil, parsed.query == nil,\n              parsed.fragment == nil else { return nil }",
   "        guard let c = URLComponents(string: url), let h = c.host else { return nil }\n        let parsed = (scheme: c.scheme ?? \"\", host: h, port: c.port, path: c.path, query: c.query, fragment: c.fragment)\n        guard parsed.scheme == \"https\", parsed.port == nil, parsed.query == nil, parsed.fragment == nil else { return nil }",
   "SignInEndpointTests|HostileVectorTests", ("import SAML\n", "import Foundation\nimport SAML\n")),
  ("Destination must be an ACS URL (AWS: a sign-in endpoint)", "Sources/SAML/Verification/Policies/DestinationPolicy.swift",
   "guard destinations.contains(destination) || rule?.accepts(destination) == true else {",
   "guard destinations.contains(destination) || rule?.accepts(destination) == true || true else {",
   "AWSRemainingRulesTests|HostileVectorTests|VerifierTests|TestVectorManifestTests"),
  # Issue 12: the restructured verifier.
  ("standard checks always run", "Sources/SAML/Verification/Verifier.swift",
   "policies: serviceProvider.policies + additionalPolicies,", "policies: additionalPolicies,",
   "DiagnosticsTests|VerifierTests|TestVectorManifestTests"),
  ("OneTimeUse only with a replay cache", "Sources/SAML/Verification/Verifier.swift",
   "replayCache == nil ? [.audienceRestriction] : [.audienceRestriction, .oneTimeUse]", "[.audienceRestriction, .oneTimeUse]",
   "DiagnosticsTests|TestVectorManifestTests"),
  ("a replay is refused", "Sources/SAML/Verification/Verifier.swift",
   "            guard inserted else {", "            guard inserted || true else {", "DiagnosticsTests|VerifierTests"),
  ("a refused step reports its own error", "Sources/SAML/Rules/CoreVerifier.swift",
   "        stage = .content\n", "", "DiagnosticsTests|TestVectorManifestTests"),
  ("AWS: a message that does not read fails at document, not at the provider", "Sources/AWSFederation/AWSFederation.swift",
   "return try ResponsePeek.claimedIssuer(bytes)", "return ResponsePeek.issuer(bytes)", "DiagnosticsTests|HostileVectorTests"),
  ("SessionNotOnOrAfter", "Sources/AWSFederation/AWSFederation.swift",
   "            guard sessionEnd > now else {", "            guard sessionEnd > now || true else {", "AWSRemainingRulesTests|HostileVectorTests"),
  ("session tags: aws: prefix", "Sources/AWSFederation/SessionTags.swift",
   "where text.lowercased().hasPrefix(\"aws:\")", "where false", "SessionTagTests|HostileVectorTests"),
  ("session tags: duplicate keys", "Sources/AWSFederation/SessionTags.swift",
   "            if let earlier = seen[folded] {", "            if let earlier = seen[folded], false {", "SessionTagTests|HostileVectorTests"),
  ("session tags: transitive keys", "Sources/AWSFederation/SessionTags.swift",
   "for key in transitive where seen[key.lowercased()] == nil {", "for key in transitive where false {", "SessionTagTests|HostileVectorTests"),
  ("session tags: characters", "Sources/AWSFederation/SessionTags.swift",
   "guard (1...maxKeyLength).contains(tag.key.utf16.count), isTagText(tag.key) else {", "guard (1...maxKeyLength).contains(tag.key.utf16.count) else {", "SessionTagTests|HostileVectorTests"),
  ("digest check (the mutation property)", "Sources/SAML/Rules/SignatureVerifier.swift",
   "            case .digestMismatch:\n                throw", "            case .digestMismatch:\n                return certificate\n                throw", "MutationPropertyTests"),
  ("comments limit", "Sources/SAML/Parsing/LexicalPrescan.swift",
   "guard comments <= limits.maxComments else {", "guard comments <= limits.maxComments || true else {", "ParseLimitsTests|TestVectorManifestTests"),
  ("processing instructions in the pre-scan", "Sources/SAML/Parsing/LexicalPrescan.swift",
   "                guard declaration else {", "                guard declaration || true else {", "ParseLimitsTests|TestVectorManifestTests"),
  ("form field cap", "Sources/SAML/Bindings/CapturedMessage.swift",
   "guard fields <= maxFormFields else {", "guard fields <= maxFormFields || true else {", "CaptureLimitTests"),
  ("PrefixList bound", "Sources/SAML/Rules/SignatureVerifier.swift",
   "guard list.utf8.count <= 2_048, prefixes.count <= 32,", "guard list.utf8.count <= 2_048 || true, prefixes.count <= 32 || true,", "CaptureLimitTests"),
  ("one Assertion per Response", "Sources/SAML/Rules/CoreVerifier.swift",
   "guard scan.assertions.count == 1, let assertionNode = scan.assertions.first else {",
   "guard let assertionNode = scan.assertions.first else {", "HostileVectorTests|VerifierTests|TestVectorManifestTests"),
  ("HAR object cap", "Sources/SAML/Bindings/CapturedMessage.swift",
   "guard objects <= maxHARObjects else {", "guard objects <= maxHARObjects || true else {", "CaptureLimitTests"),
]
only = sys.argv[1:]
for name, path, old, new, tests, *extra in MUTATIONS:
    if only and not any(o in name for o in only): continue
    text = open(ROOT + path).read()
    assert old in text, name
    changed = text.replace(old, new, 1)
    for a, b in extra: changed = changed.replace(a, b, 1)
    open(ROOT + path, "w").write(changed)
    try:
        b = subprocess.run(f"cd '{ROOT}' && swift build --build-tests 2>&1 | grep -E 'error:' | head -3", shell=True, capture_output=True, text=True)
        if b.stdout.strip():
            print(f"{name}: BUILD FAILED {b.stdout.strip()}"); continue
        r = subprocess.run(f"cd '{ROOT}' && swift test --skip-build --filter '{tests}' 2>&1 | grep -E '^✘ Test \"|Test run with'", shell=True, capture_output=True, text=True)
        failed = [l for l in r.stdout.splitlines() if l.startswith("✘ Test \"")]
        summary = [l for l in r.stdout.splitlines() if "Test run with" in l]
        print(f"{name}: {len(failed)} failing: " + "; ".join(l.split('"')[1] for l in failed[:4]) + " | " + (summary[-1] if summary else ""), flush=True)
    finally:
        open(ROOT + path, "w").write(text)

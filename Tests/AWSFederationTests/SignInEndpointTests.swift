@testable import AWSFederation
import Foundation
import PropertyBased
import SAML
import Testing

/// The reference model: the endpoints AWS lists, spelled out, and nothing else.
enum EndpointModel {
    static let hosts = ["signin.aws.amazon.com", "signin.amazonaws.cn", "signin.amazonaws-us-gov.com", "us-gov-east-1.signin.amazonaws-us-gov.com"]
        + AWSSignInEndpoint.regions.sorted().map { "\($0).signin.aws.amazon.com" }
    static let providerID = "SAMLSPD9IMTW2LM46J042K"
    static var accepted: Set<String> {
        var set = Set(hosts.map { "https://\($0)/saml" })
        set.insert("https://signin.aws.amazon.com/static/saml")
        for host in hosts where host.hasSuffix("amazon.com") { set.insert("https://\(host)/saml/acs/\(providerID)") }
        return set
    }
}

@Suite("AWS sign-in endpoints, compared the way browsers read URLs")
struct SignInEndpointTests {
    @Test("what a browser would post elsewhere, or that matches only after normalising, is not an endpoint", arguments: [
        "https://evil.example\\@us-east-1.signin.aws.amazon.com/saml", "https://evil.example@signin.aws.amazon.com/saml",
        "https://signin.aws.amazon.com\\@evil.example/saml", "https://signin.aws.amazon.com\\.evil.example/saml",
        " https://signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/saml ", "https://signin.aws.amazon.com/sa\tml",
        "https://signin.aws.amazon.com/sa\nml", "\u{0}https://signin.aws.amazon.com/saml", "HTTPS://signin.aws.amazon.com/saml",
        "https://Signin.aws.amazon.com/saml", "https://signin.aws.amazon.com./saml", "https://signin.aws.amazon.com:443/saml",
        "https://signin.aws.amazon.com:/saml", "https://signin%2Eaws.amazon.com/saml", "https://signin.aws.amazon.com/%73aml",
        "https://signin.aws.amazon.com/x/../saml", "https://signin.aws.amazon.com/./saml", "https://signin.aws.amazon.com/%2e%2E/saml",
        "https://signin.aws.amazon.com//saml", "https://signin.aws.amazon.com/saml/", "https://signin.aws.amazon.com/saml?",
        "https://signin.aws.amazon.com/saml#", "https://signin.aws.amazon.com/saml?x=1", "http://signin.aws.amazon.com/saml",
        "https://xx-evil-1.signin.aws.amazon.com/saml", "https://evil.us-east-1.signin.aws.amazon.com/saml",
        "https://signin.aws.amazon.com.evil.example/saml", "https://\u{0455}ignin.aws.amazon.com/saml", "https://signin.aws.amazon.com/SAML",
        "https://signin.aws.amazon.com/saml/acs/", "https://signin.aws.amazon.com/saml/acs/samlspd9imtw2lm46j042k",
        "https://signin.aws.amazon.com/saml/acs/SHORT", "https://signin.amazonaws.cn/static/saml", "//signin.aws.amazon.com/saml",
        "https:signin.aws.amazon.com/saml", "https:/signin.aws.amazon.com/saml", "https:///signin.aws.amazon.com/saml",
        "https://0x7f.1/saml", "https://signin.aws.amazon.com:0443/saml", "https://[::1]/saml", "",
    ])
    func refused(url: String) {
        #expect(!AWSSignInEndpoint.contains(url), "\(url)")
    }

    @Test("every endpoint AWS lists is one")
    func listed() {
        for url in EndpointModel.accepted { #expect(AWSSignInEndpoint.contains(url), "\(url)") }
        #expect(AWSSignInEndpoint.contains("https://eu-central-1.signin.aws.amazon.com/saml/acs/\(EndpointModel.providerID)"))
    }

    @Test("an endpoint counts only for its own partition's accounts")
    func partitions() {
        #expect(AWSSignInEndpoint.contains("https://signin.aws.amazon.com/saml", partitions: ["aws"]))
        #expect(!AWSSignInEndpoint.contains("https://signin.amazonaws.cn/saml", partitions: ["aws"]))
        #expect(AWSSignInEndpoint.contains("https://signin.amazonaws.cn/saml", partitions: ["aws-cn"]))
        #expect(!AWSSignInEndpoint.contains("https://signin.amazonaws-us-gov.com/saml", partitions: ["aws"]))
        #expect(AWSSignInEndpoint.contains("https://us-gov-east-1.signin.amazonaws-us-gov.com/saml", partitions: ["aws-us-gov"]))
        #expect(!AWSSignInEndpoint.contains("https://eu-west-1.signin.aws.amazon.com/saml", partitions: ["aws-cn", "aws-us-gov"]))
        // The expectation names the partition when it is not the commercial one, with an endpoint of it: a commercial
        // Destination refused for arn:aws-cn: providers was explained with the commercial endpoint as expected.
        #expect(AWSSignInEndpoint.expectation(partitions: ["aws"]) == "an AWS sign-in endpoint such as https://signin.aws.amazon.com/saml")
        let china = AWSSignInEndpoint.expectation(partitions: ["aws-cn"])
        #expect(china.contains("aws-cn partition") && china.contains("https://signin.amazonaws.cn/saml") && !china.contains("amazon.com"))
        let both = AWSSignInEndpoint.expectation(partitions: ["aws-us-gov", "aws"])
        #expect(both.contains("aws or aws-us-gov partition") && both.contains("https://signin.amazonaws-us-gov.com/saml"))
    }

    @Test("RelayState: only AWS console URLs, read as browsers read them")
    func consoleURLs() {
        for good in ["https://console.aws.amazon.com/", "https://console.aws.amazon.com/s3/home?region=eu-west-1#",
                     "https://eu-west-1.console.aws.amazon.com/ec2/home", "https://console.amazonaws-us-gov.com/"] {
            #expect(AWSConsoleURL.contains(good), "\(good)")
        }
        for bad in ["https://evil.example\\@console.aws.amazon.com/", "https://console.aws.amazon.com@evil.example/",
                    "https://console.aws.amazon.com.evil.example/", "http://console.aws.amazon.com/", "https://console.aws.amazon.com",
                    "https://evil.console.aws.amazon.com/", "javascript:alert(1)", "/relative", "https://console.aws.amazon.com:8443/"] {
            #expect(!AWSConsoleURL.contains(bad), "\(bad)")
        }
    }

    /// Pieces that make parsers disagree, spliced into real endpoints.
    static let hostile = ["\\", "@", "%2e", "%2E", "%2f", ".", "..", "/", "//", ":", ":443", " ", "\t", "\n", "#", "?", "%", "A", "S",
                          "evil.example", "\u{0455}", "\u{FF0E}", "\u{0}", "[", "]", "x", "-", "0", "saml", "acs"]

    @Test("one edit of a listed endpoint is accepted only when it spells another listed endpoint")
    func mutations() async {
        let endpoints = EndpointModel.accepted.sorted()
        let accepted = EndpointModel.accepted
        let input = zip(Gen.element(of: endpoints), Gen.element(of: Self.hostile), Gen.int(in: 0...80), Gen.bool)
        await propertyCheck(count: 2000, input: input) { (input: (String?, String?, Int, Bool)) in
            guard let endpoint = input.0, let piece = input.1 else { return }
            var characters = Array(endpoint)
            let at = min(input.2, characters.count)
            if input.3 || at == characters.count {
                characters.insert(contentsOf: piece, at: at)
            } else {
                characters.replaceSubrange(at...at, with: Array(piece))
            }
            let mutated = String(characters)
            #expect(AWSSignInEndpoint.contains(mutated) == accepted.contains(mutated) || Self.isListedACS(mutated), "\(mutated)")
        }
    }

    /// A listed ACS form with another (valid) provider ID.
    static func isListedACS(_ url: String) -> Bool {
        guard let range = url.range(of: "/saml/acs/") else { return false }
        let id = url[range.upperBound...]
        return EndpointModel.accepted.contains(String(url[..<range.upperBound]) + EndpointModel.providerID)
            && (22...64).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }

    @Test("a URL BrowserURL accepts reads the same to Foundation and serialises back unchanged")
    func parsersAgree() async {
        let pieces = ["https://", "http://", "a", "b.c", "-", ".", "/", "//", "@", "\\", ":", ":8443", ":443", ":0", "%41", "?q=1",
                      "#f", "[::1]", "127.0.0.1", "0x7f.0.0.1", "Z", " ", "\t", "..", "x.example", "saml", "~", "!", "$", "(", ";", "="]
        await propertyCheck(count: 3000, input: Gen.element(of: pieces).array(of: 1...8)) { (parts: [String?]) in
            let text = parts.compactMap { $0 }.joined()
            guard let url = try? BrowserURL(text) else { return }
            #expect(url.description == text)
            let foundation = URLComponents(string: text)
            #expect(foundation?.scheme == url.scheme, "\(text)")
            #expect(foundation?.percentEncodedHost.map { $0.lowercased() } == url.host
                        || foundation?.percentEncodedHost.map { "[\($0)]" } == url.host, "\(text)")
            #expect(foundation?.port == url.port, "\(text)")
            #expect(foundation?.percentEncodedPath == url.path || (url.path == "/" && foundation?.percentEncodedPath == ""), "\(text)")
            #expect(foundation?.user == nil && foundation?.password == nil, "\(text)")
        }
    }
}

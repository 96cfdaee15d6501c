import Foundation
import MockServerKit
import ServerTesting
import Testing

/// Both servers answer only requests whose Host names them: DNS rebinding gets 421 (the README's "Security rules").
@Suite("Host check on mock-entra and mock-aws", .serialized)
struct HostCheckTests {
    /// The status of `GET path` with `host` as the Host header (nil: none at all), through curl, which sends the
    /// header as given.
    static func status(_ server: ServerProcess, _ path: String, host: String?) throws -> (status: Int, body: String) {
        let header = host.map { "Host: \($0)" } ?? "Host:"
        let result = try ServerProcess.run(["curl", "-s", "-H", header, "-w", "\n%{http_code}", server.baseURL + path])
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    static func servers(extra entraArguments: [String] = [], awsArguments: [String] = []) throws -> [(String, ServerProcess, String)] {
        let entra = try MockEntraProcess(extra: entraArguments)
        let aws = try ServerProcess("mock-aws", arguments: ["--idp-metadata", MockEntraProcess.repositoryMetadata] + awsArguments)
        return [("mock-entra", entra.server, "/myapps"), ("mock-aws", aws, "/health")]
    }

    @Test("DNS rebinding: a foreign Host gets 421 with the accepted names, on both servers, on every path")
    func foreignHosts() throws {
        for (name, server, path) in try Self.servers() {
            let port = URL(string: server.baseURL)?.port ?? 0
            for host in ["evil.example", "evil.example:\(port)", "127.0.0.1.evil.example", "localhost.evil.example", "localhost.evil.example:\(port)",
                         "EVIL.example.", "10.0.0.1:\(port)", "[::2]:\(port)"] {
                for target in [path, "/admin/tenant", "/no-such-path", "/saml"] {
                    let answer = try Self.status(server, target, host: host)
                    #expect(answer.status == 421, "\(name) \(target) Host: \(host) → \(answer.status)")
                    #expect(answer.body.contains("does not answer to the host") && answer.body.contains("localhost, *.localhost, 127.0.0.0/8, [::1]"),
                            "\(name): \(answer.body)")
                }
            }
            // No Host, or one that is not a host at all: 400.
            for host in [nil, "user@localhost", "localhost:99999", "local host", "localhost:abc", "[::1"] as [String?] {
                let answer = try Self.status(server, path, host: host)
                #expect(answer.status == 400, "\(name) Host: \(host ?? "(none)") → \(answer.status)")
            }
            // Two Host headers (curl sends one only): the status line of a raw request.
            let raw = try ServerProcess.run(["python3", "-c", """
                import socket, sys
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                s.sendall(b"GET " + sys.argv[2].encode() + b" HTTP/1.1\\r\\nHost: localhost\\r\\nHost: evil.example\\r\\nConnection: close\\r\\n\\r\\n")
                print(s.recv(100).split(b"\\r\\n")[0].decode())
                """, "\(port)", path])
            #expect(raw.output.hasPrefix("HTTP/1.1 400"), "\(name): two Host headers → \(raw.output)")
        }
    }

    @Test("loopback names, in any case, with any port or a trailing dot, are served")
    func loopbackHosts() throws {
        for (name, server, path) in try Self.servers() {
            for host in ["localhost", "LOCALHOST:1234", "localhost.", "app.localhost:80", "127.0.0.1", "127.1.2.3:8080", "[::1]", "[::1]:443",
                         "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]"] {
                let answer = try Self.status(server, path, host: host)
                #expect(answer.status == 200, "\(name) Host: \(host) → \(answer.status) \(answer.body.prefix(200))")
            }
        }
    }

    @Test("--public-url's host (mock-entra) and --allowed-host (both) are served too")
    func configuredHosts() throws {
        let servers = try Self.servers(extra: ["--public-url", "https://login.contoso.test:8443", "--allowed-host", "entra.internal"],
                                       awsArguments: ["--allowed-host", "aws.internal"])
        let accepted: [String: [String]] = ["mock-entra": ["login.contoso.test", "Login.Contoso.Test:8443", "entra.internal:1"],
                                            "mock-aws": ["aws.internal", "AWS.internal.:9000"]]
        for (name, server, path) in servers {
            for host in accepted[name] ?? [] {
                #expect(try Self.status(server, path, host: host).status == 200, "\(name) Host: \(host)")
            }
            for host in (name == "mock-entra" ? accepted["mock-aws"] : accepted["mock-entra"]) ?? [] {
                #expect(try Self.status(server, path, host: host).status == 421, "\(name) Host: \(host)")
            }
        }
    }

    @Test("AllowedHosts: parsing and normalisation")
    func parsing() throws {
        let allowed = AllowedHosts(bindAddress: "0.0.0.0", names: ["https://Login.Example.COM:8443/x", "other.test.", "::1", "[fe80::1]"])
        #expect(allowed.names == ["login.example.com", "other.test", "[::1]", "[fe80::1]"])
        #expect(AllowedHosts(bindAddress: "::").names.isEmpty && AllowedHosts(bindAddress: "192.0.2.7").names == ["192.0.2.7"])
        for good in ["login.example.com:1", "OTHER.test", "[fe80::1]:80", "127.255.255.254", "x.localhost."] {
            #expect(throws: Never.self, "\(good)") { try allowed.check(good) }
        }
        let refusals: [(String?, AllowedHosts.Refusal)] = [
            (nil, .missing), ("", .missing), ("a@localhost", .malformed("a@localhost")), ("localhost:", .malformed("localhost:")),
            ("localhost:65536", .malformed("localhost:65536")), ("[::1]x", .malformed("[::1]x")), ("127.0.0.1.evil.example", .foreign("127.0.0.1.evil.example")),
            ("127.0.0.01", .foreign("127.0.0.01")), ("0x7f.0.0.1", .foreign("0x7f.0.0.1")), ("[::ffff:10.0.0.1]", .foreign("[::ffff:10.0.0.1]")),
        ]
        for (authority, expected) in refusals {
            #expect(throws: expected, "\(authority ?? "nil")") { try allowed.check(authority) }
        }
    }
}

extension MockEntraProcess {
    /// The repository's test metadata, for a mock-aws that only needs to start.
    static let repositoryMetadata = EntraFixtures.repository.appendingPathComponent("TestVectors/entra_federationmetadata.xml").path
}

// Fuzzing the untrusted-input path: capture decoding (every form), the bindings, and full verification.
//
// Built for libFuzzer (README "Fuzzing"):
//   swift build --scratch-path .build/fuzz --product saml-fuzz -Xswiftc -sanitize=fuzzer,address \
//     -Xswiftc -parse-as-library -Xswiftc -DFUZZING
//   .build/fuzz/debug/saml-fuzz -max_total_time=600 -max_len=16384 .build/fuzz-corpus TestVectors
// Built normally, it replays files through the same entry point (a regression run): saml-fuzz FILE…
import Foundation
import SAML

/// One input through everything that reads untrusted bytes. Every failure must be a thrown `SAMLError`.
func fuzzOne(_ bytes: [UInt8]) {
    if let captured = try? CapturedMessage.decode(bytes) {
        _ = try? Fuzz.verifier.verify(captured.xml)
        _ = try? ResponsePeek.response(captured.xml)
        _ = try? ResponsePeek.signatures(captured.xml)
        _ = try? AuthnRequest.parse(captured.xml)
        _ = try? IdentityProviderMetadata.parse(captured.xml)
    }
    _ = try? Fuzz.verifier.verify(bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? PostBinding.decode(formBody: text)
    _ = try? RedirectBinding.decode(query: text)
}

enum Fuzz {
    /// A verifier as an SP configures one, trusting a fixed certificate (generated once; trust is not the target).
    static let verifier: Verifier = {
        let key = try? SigningKey.generateRSA()
        let certificate = key.flatMap { try? Certificate.selfSigned(key: $0) }
        return Verifier(trusting: certificate.map { [$0] } ?? [],
                        serviceProvider: ServiceProvider(audiences: ["https://signin.aws.amazon.com/saml"],
                                                         acsURLs: ["https://signin.aws.amazon.com/saml"]))
    }()
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// libFuzzer's driver, entered from the executable's main (SwiftPM links `main` to `saml_fuzz_main`).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("saml_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
}
#else
/// Without libFuzzer: replays files (or every file of directories) through ``fuzzOne(_:)``.
@main
struct Replay {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).map { "\(path)/\($0)" } : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                fuzzOne(Array(data))
                count += 1
            }
        }
        print("saml-fuzz: \(count) inputs replayed, no crash")
    }
}
#endif

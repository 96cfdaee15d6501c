import Foundation
import SAML
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reading what the subcommands are given: files or standard input, certificates, metadata from a file or a URL.
enum Input {
    /// The bytes of `path`, or standard input for `-` or nothing.
    static func read(_ path: String?) throws -> [UInt8] {
        guard let path, path != "-" else { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else { throw ToolFailure("cannot read \(path)") }
        return Array(data)
    }

    static func text(_ path: String) throws -> String { String(decoding: try read(path), as: UTF8.self) }

    /// Every certificate in the PEM files.
    static func certificates(_ paths: [String]) throws -> [Certificate] {
        var result: [Certificate] = []
        for path in paths {
            let text = try text(path)
            do {
                let all = try Certificate.all(pem: text)
                result += all.isEmpty ? [try Certificate(bytes: Array(text.utf8))] : all
            } catch {
                throw ToolFailure("\(path): not a certificate (\(error.message))")
            }
        }
        return result
    }

    static func key(_ path: String) throws -> SigningKey {
        do { return try SigningKey(pem: try text(path)) } catch let error as SAMLError { throw ToolFailure("\(path): \(error.message)") }
    }

    /// IdP metadata from a file or an http(s) URL.
    static func metadata(_ source: String) async throws -> IdentityProviderMetadata {
        let bytes: [UInt8]
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            guard let url = URL(string: source) else { throw ToolFailure("not a URL: \(source)") }
            let data: Data
            let response: URLResponse
            do {
                (data, response) = try await URLSession.shared.data(from: url)
            } catch {
                throw ToolFailure("could not fetch \(source): \((error as? URLError).map { "URL error \($0.code.rawValue)" } ?? "\(type(of: error))") (is the server up?)")
            }
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw ToolFailure("could not fetch \(source): HTTP \((response as? HTTPURLResponse)?.statusCode ?? 0)")
            }
            bytes = Array(data)
        } else {
            bytes = try read(source)
        }
        do { return try IdentityProviderMetadata.parse(bytes) } catch { throw ToolFailure("\(source): \(error.message)") }
    }

    /// A SAML message in any captured form.
    static func message(_ path: String?) throws -> CapturedMessage {
        let bytes = try read(path)
        do { return try CapturedMessage.decode(bytes) } catch { throw MessageUnreadable(error: error) }
    }

    static func write(_ bytes: [UInt8], to path: String?) throws {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw ToolFailure("cannot write \(path)") }
    }
}

/// The input was read but holds no SAML message in a known form: a verdict (rejected), not a tool failure.
struct MessageUnreadable: Error {
    let error: SAMLError
}

extension CapturedMessage.Form {
    var label: String {
        switch self {
        case .xml: return "XML"
        case .base64: return "base64"
        case .urlEncodedBase64: return "URL-encoded base64"
        case .formBody: return "form body"
        case .redirectQuery: return "Redirect-binding query (DEFLATE)"
        case .htmlForm: return "HTML auto-post form"
        case .har: return "HAR file"
        }
    }
}

import Foundation
import PostgresNIO
import SAML

extension PostgresReplayCache {
    /// A client configuration from a URL: `postgres://user[:password]@host[:port]/database[?sslmode=…&connect_timeout=…]`
    /// (also `postgresql://`). `sslmode` is `disable`, `prefer` (the default: TLS when the server offers it) or
    /// `require` (TLS with certificate and host-name verification); `connect_timeout` is in seconds. Percent-escapes in
    /// the user, password and database are decoded.
    ///
    /// - Throws: ``SAML/SAMLError/Code/replayCacheUnavailable`` when the URL is not of that form.
    public static func configuration(url: String) throws(SAMLError) -> PostgresClient.Configuration {
        func invalid(_ why: String) -> SAMLError {
            SAMLError(.replayCacheUnavailable, "the PostgreSQL URL is not usable (\(why))",
                      expected: "postgres://user[:password]@host[:port]/database", found: redacted(url))
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else { throw invalid("scheme") }
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        guard let user = components.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else { throw invalid("no user") }
        let database = String(components.path.drop(while: { $0 == "/" })).removingPercentEncoding
        var tls = PostgresClient.Configuration.TLS.prefer(.makeClientConfiguration())
        var connectTimeout: Duration?
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"?): tls = .disable
            case ("sslmode", "prefer"?), ("sslmode", "allow"?): tls = .prefer(.makeClientConfiguration())
            case ("sslmode", "require"?), ("sslmode", "verify-full"?): tls = .require(.makeClientConfiguration())
            case ("connect_timeout", let value?):
                guard let seconds = Int(value), seconds > 0 else { throw invalid("connect_timeout") }
                connectTimeout = .seconds(seconds)
            default: throw invalid("unsupported parameter \(item.name)")
            }
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user,
            password: components.percentEncodedPassword?.removingPercentEncoding,
            database: database.flatMap { $0.isEmpty ? nil : $0 }, tls: tls)
        if let connectTimeout { configuration.options.connectTimeout = connectTimeout }
        return configuration
    }

    /// `url` with its user information (user and password) replaced by `***`, for messages.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + "***" + String(url[at...])
    }
}

import Foundation
import WardenCore

/// Finds the issuer's `jwks_uri` through its RFC 8414 / OpenID Connect Discovery metadata, in the order the MCP
/// authorization spec (2025-11-25) gives, and checks that the metadata names the configured issuer exactly.
public enum AuthorizationServerDiscovery {
    /// The metadata URLs to try for an issuer, in priority order.
    ///
    /// Without a path: `/.well-known/oauth-authorization-server`, then `/.well-known/openid-configuration`.
    /// With a path (e.g. `https://login.example.com/tenant1`): RFC 8414 path insertion, OIDC path insertion,
    /// then OIDC path appending.
    public static func metadataURLs(forIssuer issuer: String) throws(OAuthFetchError) -> [String] {
        guard var components = URLComponents(string: issuer), components.scheme != nil,
            components.host?.isEmpty == false
        else {
            throw OAuthFetchError("the issuer is not an absolute URL")
        }
        guard components.query == nil, components.fragment == nil else {
            throw OAuthFetchError("the issuer must not have a query or fragment (RFC 8414)")
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        components.percentEncodedPath = ""
        guard let origin = components.string else { throw OAuthFetchError("the issuer is not an absolute URL") }
        if path.isEmpty {
            return [
                origin + "/.well-known/oauth-authorization-server",
                origin + "/.well-known/openid-configuration",
            ]
        }
        return [
            origin + "/.well-known/oauth-authorization-server" + path,
            origin + "/.well-known/openid-configuration" + path,
            origin + path + "/.well-known/openid-configuration",
        ]
    }

    /// Fetches the issuer's metadata and returns its `jwks_uri`.
    ///
    /// A metadata document whose `issuer` differs from `issuer` is refused outright (RFC 8414 §3.3) rather than
    /// skipped, because it means the configuration or the server is wrong.
    public static func discoverJWKSURI(
        issuer: String,
        documents: any HTTPDocumentFetching,
        policy: FetchPolicy
    ) async throws(OAuthFetchError) -> String {
        var failures: [String] = []
        for url in try metadataURLs(forIssuer: issuer) {
            let document: HTTPDocument
            do {
                try policy.check(url)
                document = try await documents.fetch(url)
            } catch {
                failures.append("\(url): \(error)")
                continue
            }
            guard document.status == 200 else {
                failures.append("\(url): HTTP \(document.status)")
                continue
            }
            guard case .object(let metadata)? = JSONValue.parse(document.body) else {
                throw OAuthFetchError("\(url): metadata is not a JSON object")
            }
            guard metadata["issuer"]?.stringValue == issuer else {
                throw OAuthFetchError("\(url): metadata issuer does not equal the configured issuer")
            }
            guard let jwksURI = metadata["jwks_uri"]?.stringValue else {
                throw OAuthFetchError("\(url): metadata has no jwks_uri")
            }
            try policy.check(jwksURI)
            return jwksURI
        }
        throw OAuthFetchError("no authorization server metadata found: " + failures.joined(separator: "; "))
    }
}

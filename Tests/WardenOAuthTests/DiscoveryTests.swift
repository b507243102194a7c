import Foundation
import Synchronization
import Testing
import WardenCore

@testable import WardenOAuth

/// Serves fixed documents by URL and records the URLs asked for.
final class DocumentServer: HTTPDocumentFetching {
    private let state: Mutex<(documents: [String: HTTPDocument], requests: [String])>

    init(_ documents: [String: HTTPDocument]) {
        state = Mutex((documents, []))
    }

    var requests: [String] { state.withLock { $0.requests } }

    func fetch(_ url: String) async throws -> HTTPDocument {
        state.withLock { state in
            state.requests.append(url)
            return state.documents[url] ?? HTTPDocument(status: 404, body: [])
        }
    }
}

private func json(_ value: JSONValue) -> HTTPDocument {
    HTTPDocument(status: 200, body: [UInt8]((try? JSONEncoder().encode(value)) ?? Data()))
}

@Suite("Authorization server discovery")
struct DiscoveryTests {
    @Test("an issuer without a path is tried at the RFC 8414 then the OIDC well-known URL")
    func rootIssuerURLs() throws {
        #expect(
            try AuthorizationServerDiscovery.metadataURLs(forIssuer: "https://idp.example.com") == [
                "https://idp.example.com/.well-known/oauth-authorization-server",
                "https://idp.example.com/.well-known/openid-configuration",
            ])
        #expect(
            try AuthorizationServerDiscovery.metadataURLs(forIssuer: "https://idp.example.com:8443/") == [
                "https://idp.example.com:8443/.well-known/oauth-authorization-server",
                "https://idp.example.com:8443/.well-known/openid-configuration",
            ])
    }

    @Test("an issuer with a path uses path insertion first, then OIDC path appending")
    func pathIssuerURLs() throws {
        #expect(
            try AuthorizationServerDiscovery.metadataURLs(forIssuer: "https://login.example.com/tenant-a/v2.0") == [
                "https://login.example.com/.well-known/oauth-authorization-server/tenant-a/v2.0",
                "https://login.example.com/.well-known/openid-configuration/tenant-a/v2.0",
                "https://login.example.com/tenant-a/v2.0/.well-known/openid-configuration",
            ])
        #expect(throws: OAuthFetchError.self) {
            try AuthorizationServerDiscovery.metadataURLs(forIssuer: "https://a/?x=1")
        }
        #expect(throws: OAuthFetchError.self) {
            try AuthorizationServerDiscovery.metadataURLs(forIssuer: "login.example.com")
        }
    }

    @Test("discovery falls through missing documents and takes jwks_uri from the first metadata found")
    func discoversJWKSURI() async throws {
        let issuer = "https://login.example.com/tenant-a/v2.0"
        let server = DocumentServer([
            "https://login.example.com/tenant-a/v2.0/.well-known/openid-configuration": json(
                .object(["issuer": .string(issuer), "jwks_uri": "https://login.example.com/tenant-a/keys"]))
        ])
        let uri = try await AuthorizationServerDiscovery.discoverJWKSURI(
            issuer: issuer, documents: server, policy: FetchPolicy())
        #expect(uri == "https://login.example.com/tenant-a/keys")
        #expect(server.requests.count == 3)
    }

    @Test("metadata naming another issuer is refused")
    func refusesIssuerMismatch() async throws {
        let server = DocumentServer([
            "https://idp.example.com/.well-known/oauth-authorization-server": json(
                .object(["issuer": "https://evil.example.com", "jwks_uri": "https://evil.example.com/keys"]))
        ])
        await #expect(throws: OAuthFetchError.self) {
            try await AuthorizationServerDiscovery.discoverJWKSURI(
                issuer: "https://idp.example.com", documents: server, policy: FetchPolicy())
        }
        #expect(server.requests.count == 1)
    }

    @Test("a plain http jwks_uri is refused unless loopback http is allowed for development")
    func refusesInsecureJWKSURI() async throws {
        let server = DocumentServer([
            "https://idp.example.com/.well-known/oauth-authorization-server": json(
                .object(["issuer": "https://idp.example.com", "jwks_uri": "http://idp.example.com/keys"]))
        ])
        await #expect(throws: OAuthFetchError.self) {
            try await AuthorizationServerDiscovery.discoverJWKSURI(
                issuer: "https://idp.example.com", documents: server, policy: FetchPolicy(allowsLoopbackHTTP: true))
        }
    }

    @Test("fetch policy: https always, http only to loopback and only when allowed")
    func fetchPolicy() throws {
        let strict = FetchPolicy()
        let development = FetchPolicy(allowsLoopbackHTTP: true)
        try strict.check("https://idp.example.com/keys")
        #expect(throws: OAuthFetchError.self) { try strict.check("http://127.0.0.1:9000/keys") }
        for url in [
            "http://127.0.0.1:9000/keys", "http://localhost/keys", "http://[::1]:80/keys", "http://127.8.0.1/k",
        ] {
            try development.check(url)
        }
        for url in [
            "http://127.0.0.1.evil.example/keys", "http://10.0.0.1/keys", "ftp://idp.example.com/k",
            "file:///etc/passwd",
        ] {
            #expect(throws: OAuthFetchError.self) { try development.check(url) }
        }
        #expect(throws: OAuthFetchError.self) { try strict.check("https://user:pw@idp.example.com/keys") }
    }

    @Test("the HTTP JWKS fetcher discovers once and feeds the verifier")
    func httpFetcherThroughDiscovery() async throws {
        let key = try await TokenForge.rsaKey()
        let server = DocumentServer([
            "https://login.example.com/.well-known/oauth-authorization-server/tenant-a/v2.0": json(
                .object(["issuer": .string(Harness.issuer), "jwks_uri": "https://login.example.com/keys"])),
            "https://login.example.com/keys": HTTPDocument(status: 200, body: TokenForge.jwks([key.publicJWK])),
        ])
        let fetcher = HTTPJWKSFetcher(source: .issuerDiscovery(issuer: Harness.issuer), documents: server)
        let cache = JWKSCache(fetcher: fetcher)
        let configuration = ResourceServerConfiguration(issuer: Harness.issuer, resource: Harness.resource)
        let verifier = try AccessTokenVerifier(configuration: configuration, keys: cache)
        let now = Date().timeIntervalSince1970
        let token = TokenForge.token(
            key: key,
            claims: [
                "iss": .string(Harness.issuer), "aud": .string(Harness.resource), "sub": "a", "exp": .double(now + 60),
            ])
        _ = try await verifier.verify(authorizationHeader: "Bearer " + token).get()
        _ = try await fetcher.fetchJWKS()
        #expect(server.requests.filter { $0.contains("well-known") }.count == 1)
    }

    @Test("the AsyncHTTPClient fetcher refuses a non-https URL before connecting")
    func liveFetcherEnforcesPolicy() async throws {
        let fetcher = AsyncHTTPDocumentFetcher(policy: FetchPolicy())
        await #expect(throws: OAuthFetchError.self) { try await fetcher.fetch("http://127.0.0.1:9/keys") }
        await #expect(throws: OAuthFetchError.self) { try await fetcher.fetch("not a url") }
    }
}

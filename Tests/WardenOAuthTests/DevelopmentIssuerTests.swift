import Foundation
import Testing
import WardenCore

@testable import WardenOAuth

@Suite("Development issuer")
struct DevelopmentIssuerTests {
    static let issuer = "http://127.0.0.1:8080"
    static let resource = "http://127.0.0.1:8080/mcp"

    private func verifier(for issuer: DevelopmentIssuer) throws -> AccessTokenVerifier {
        // The default configuration requires `typ: at+jwt`, which development tokens carry.
        let configuration = ResourceServerConfiguration(issuer: Self.issuer, resource: Self.resource)
        return try AccessTokenVerifier(configuration: configuration, keys: JWKSCache(fetcher: issuer.jwksFetcher))
    }

    @Test(
        "development tokens verify through the same JWKS path, for EdDSA and ES256",
        arguments: DevelopmentIssuer.Algorithm.allCases)
    func tokensVerify(algorithm: DevelopmentIssuer.Algorithm) async throws {
        let issuer = try await DevelopmentIssuer(issuer: Self.issuer, keyID: "dev-1", algorithm: algorithm)
        let token = try await issuer.issueToken(
            subject: "agent-1", audience: Self.resource, roles: ["analyst"], scopes: ["mcp.tools"], tenantID: "t1")
        let verified = try await verifier(for: issuer).verify(authorizationHeader: "Bearer " + token).get()
        #expect(verified.subject == "agent-1")
        #expect(verified.roles == ["analyst"])
        #expect(verified.scopes == ["mcp.tools"])
        #expect(verified.tenantID == "t1")
        #expect(verified.keyID == "dev-1")
        #expect(verified.clientID == "warden-dev")
        #expect(verified.algorithm.rawValue == algorithm.rawValue)
    }

    @Test("a development token for another audience is refused like any other")
    func audienceStillChecked() async throws {
        let issuer = try await DevelopmentIssuer(issuer: Self.issuer)
        let token = try await issuer.issueToken(subject: "agent-1", audience: "http://127.0.0.1:9999/mcp")
        let verifier = try verifier(for: issuer)
        #expect(
            await verifier.verify(authorizationHeader: "Bearer " + token) == .failure(.invalidToken(.audienceMismatch)))
    }

    @Test("tokens of another development issuer's key are refused")
    func otherKeyRefused() async throws {
        let mine = try await DevelopmentIssuer(issuer: Self.issuer, keyID: "dev-1")
        let other = try await DevelopmentIssuer(issuer: Self.issuer, keyID: "dev-1")
        let token = try await other.issueToken(subject: "agent-1", audience: Self.resource)
        let verifier = try verifier(for: mine)
        #expect(
            await verifier.verify(authorizationHeader: "Bearer " + token) == .failure(.invalidToken(.signatureInvalid)))
    }

    @Test("a saved key reloads to the same public key set", arguments: DevelopmentIssuer.Algorithm.allCases)
    func keyPersistence(algorithm: DevelopmentIssuer.Algorithm) async throws {
        let first = try await DevelopmentIssuer(issuer: Self.issuer, keyID: "k", algorithm: algorithm)
        let reloaded = try await DevelopmentIssuer(
            issuer: Self.issuer, keyID: "k", algorithm: algorithm, privateKeyPEM: first.privateKeyPEM)
        #expect(first.jwksDocument() == reloaded.jwksDocument())
        #expect(!String(decoding: first.jwksDocument(), as: UTF8.self).contains("\"d\""))
    }

    @Test("token lifetime is capped at one hour and the header is at+jwt with a kid")
    func tokenShape() async throws {
        let issuer = try await DevelopmentIssuer(issuer: Self.issuer, keyID: "dev-9")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let token = try await issuer.issueToken(
            subject: "a", audience: Self.resource, lifetime: .seconds(86_400), now: now)
        let parts = token.split(separator: ".")
        let header = try #require(Base64URL.decode(parts[0]).flatMap { JSONValue.parse($0) })
        let claims = try #require(Base64URL.decode(parts[1]).flatMap { JSONValue.parse($0) })
        #expect(header["typ"] == "at+jwt")
        #expect(header["kid"] == "dev-9")
        #expect(claims["exp"] == .integer(1_800_003_600))
        let metadata = try #require(JSONValue.parse(issuer.metadataDocument(jwksURI: Self.issuer + "/jwks")))
        #expect(metadata["issuer"] == .string(Self.issuer))
        #expect(metadata["jwks_uri"] == .string(Self.issuer + "/jwks"))
    }

    @Test("the development verifier factory refuses a configuration naming another issuer")
    func developmentFactoryChecksIssuer() async throws {
        let issuer = try await DevelopmentIssuer(issuer: Self.issuer)
        let other = ResourceServerConfiguration(issuer: "https://login.example.com", resource: Self.resource)
        #expect(throws: ResourceServerConfigurationError.self) {
            try AccessTokenVerifier.development(configuration: other, issuer: issuer)
        }
        let mine = ResourceServerConfiguration(issuer: Self.issuer, resource: Self.resource)
        let verifier = try AccessTokenVerifier.development(configuration: mine, issuer: issuer)
        let token = try await issuer.issueToken(subject: "agent-1", audience: Self.resource)
        #expect(try await verifier.verify(authorizationHeader: "Bearer " + token).get().subject == "agent-1")
    }

    @Test("the live verifier factory refuses a plain http jwks_uri")
    func liveFactoryRefusesInsecureJWKSURI() throws {
        let configuration = ResourceServerConfiguration(issuer: "https://login.example.com", resource: Self.resource)
        #expect(throws: ResourceServerConfigurationError.self) {
            try AccessTokenVerifier.live(configuration: configuration, jwksURI: "http://login.example.com/keys")
        }
        _ = try AccessTokenVerifier.live(configuration: configuration, jwksURI: "https://login.example.com/keys")
    }
}

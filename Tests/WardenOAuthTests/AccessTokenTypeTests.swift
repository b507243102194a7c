import Foundation
import Testing
import WardenCore

@testable import WardenOAuth

/// RFC 9068 §4: a resource server must tell access tokens from ID tokens and other JWTs of the same issuer.
@Suite("Access token type (RFC 9068)")
struct AccessTokenTypeTests {
    /// A token signed by the harness key with exactly `header` beside `alg` and `kid` (no default `typ`).
    private func token(_ harness: Harness, header: [String: JSONValue], claims: [String: JSONValue] = [:]) -> String {
        var fullHeader: [String: JSONValue] = [
            "alg": .string(harness.key.algorithm), "kid": .string(harness.key.keyID),
        ]
        fullHeader.merge(header) { _, new in new }
        return TokenForge.token(header: fullHeader, claims: harness.claims(claims), signer: harness.key.signer)
    }

    @Test("the type check is on by default")
    func onByDefault() {
        let configuration = ResourceServerConfiguration(issuer: Harness.issuer, resource: Harness.resource)
        #expect(configuration.requireAccessTokenType)
    }

    @Test("an untyped token is refused by default, before any key is fetched")
    func untypedRefused() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let error = await harness.error(token(harness, header: [:]))
        #expect(error == .invalidToken(.wrongTokenType))
        #expect(error?.httpStatus == 401)
        #expect(error?.errorCode == "invalid_token")
        #expect(error?.errorDescription == "the token is not an access token (typ must be at+jwt, RFC 9068)")
        #expect(harness.endpoint.fetches == 0)
    }

    @Test("typ JWT and other types are refused by default", arguments: ["JWT", "jwt", "at+jwt ", "id+jwt", "at"])
    func otherTypesRefused(type: String) async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        #expect(await harness.error(token(harness, header: ["typ": .string(type)])) == .invalidToken(.wrongTokenType))
    }

    @Test("a typ that is not a string is refused")
    func nonStringTypeRefused() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        for type: JSONValue in [.integer(1), .null, ["at+jwt"]] {
            #expect(await harness.error(token(harness, header: ["typ": type])) == .invalidToken(.wrongTokenType))
        }
    }

    @Test(
        "at+jwt is accepted in any case, with or without the application/ prefix",
        arguments: ["at+jwt", "AT+JWT", "At+Jwt", "application/at+jwt", "Application/AT+JWT"])
    func accessTokenTypesAccepted(type: String) async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let verified = try await harness.verify(token(harness, header: ["typ": .string(type)])).get()
        #expect(verified.subject == "agent-7")
    }

    @Test("with requireAccessTokenType off, untyped and typ JWT tokens are accepted (Entra ID v2)")
    func switchOffAcceptsUntyped() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) { $0.requireAccessTokenType = false }
        _ = try await harness.verify(token(harness, header: [:])).get()
        _ = try await harness.verify(token(harness, header: ["typ": "JWT"])).get()
        _ = try await harness.verify(token(harness, header: ["typ": "at+jwt"])).get()
    }

    @Test(
        "with requireAccessTokenType off, a token carrying an ID-token-only claim is refused",
        arguments: ["nonce", "at_hash", "c_hash"])
    func switchOffRefusesIDTokenClaims(claim: String) async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) { $0.requireAccessTokenType = false }
        for header: [String: JSONValue] in [[:], ["typ": "JWT"], ["typ": "at+jwt"]] {
            let error = await harness.error(token(harness, header: header, claims: [claim: "n-0S6_WzA2Mj"]))
            #expect(error == .invalidToken(.idTokenClaim(claim)))
            #expect(error?.httpStatus == 401)
            #expect(error?.errorCode == "invalid_token")
        }
        #expect(
            AccessTokenError.invalidToken(.idTokenClaim("nonce")).errorDescription
                == "the token is not an access token (it carries the ID token claim nonce)")
    }

    @Test("with requireAccessTokenType off, the audience must still name this resource")
    func switchOffStillChecksAudience() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) { $0.requireAccessTokenType = false }
        // An ID token is addressed to the client that asked for it, not to the resource.
        let idTokenLike = token(harness, header: ["typ": "JWT"], claims: ["aud": "client-a"])
        #expect(await harness.error(idTokenLike) == .invalidToken(.audienceMismatch))
    }

    @Test("with the type check on, ID-token claims on an at+jwt token are left to the type check")
    func switchOnIgnoresIDTokenClaims() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        _ = try await harness.verify(harness.token(["nonce": "n-1"])).get()
        #expect(
            await harness.error(token(harness, header: [:], claims: ["nonce": "n-1"])) == .invalidToken(.wrongTokenType)
        )
    }

    @Test(
        "development issuer tokens are typed at+jwt and pass the default check",
        arguments: DevelopmentIssuer.Algorithm.allCases)
    func developmentTokensPass(algorithm: DevelopmentIssuer.Algorithm) async throws {
        let issuer = try await DevelopmentIssuer(issuer: "http://127.0.0.1:8080", algorithm: algorithm)
        let configuration = ResourceServerConfiguration(issuer: issuer.issuer, resource: "http://127.0.0.1:8080/mcp")
        #expect(configuration.requireAccessTokenType)
        let verifier = try AccessTokenVerifier.development(configuration: configuration, issuer: issuer)
        let token = try await issuer.issueToken(subject: "agent-1", audience: configuration.resource)
        let header = try #require(Base64URL.decode(token.split(separator: ".")[0]).flatMap { JSONValue.parse($0) })
        #expect(header["typ"] == "at+jwt")
        #expect(try await verifier.verify(authorizationHeader: "Bearer " + token).get().subject == "agent-1")
    }
}

import Foundation
import Testing
import WardenCore

@testable import WardenOAuth

@Suite("Access token verification")
struct AccessTokenVerifierTests {
    @Test("a valid RS256 token is accepted and its claims are read")
    func acceptsValidToken() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) {
            $0.roleClaims = [.roles, .scp]
            $0.selectedClaims = ["client_id", "jti"]
        }
        let token = harness.token(["scp": "files.read files.write"])
        let verified = try await harness.verify(token).get()
        #expect(verified.subject == "agent-7")
        #expect(verified.issuer == Harness.issuer)
        #expect(verified.roles == ["analyst", "files.read", "files.write"])
        #expect(verified.scopes == ["mcp.tools", "files.read", "files.write"])
        #expect(verified.tenantID == "tenant-a")
        #expect(verified.clientID == "client-a")
        #expect(verified.tokenID == "token-1")
        #expect(verified.keyID == "rsa-1")
        #expect(verified.algorithm == .rs256)
        #expect(verified.claims == ["client_id": "client-a", "jti": "token-1"])
        #expect(verified.expiresAt == harness.clock.now.addingTimeInterval(300))
    }

    @Test("alg none is refused, with or without a signature")
    func refusesAlgNone() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let unsigned = TokenForge.token(header: ["alg": "none", "kid": "rsa-1"], claims: harness.claims(), signer: nil)
        // An empty signature segment is not a JWS at all; with any signature bytes the alg rule refuses it.
        #expect(await harness.error(unsigned) == .invalidToken(.malformed))
        for alg in ["none", "None", "NONE"] {
            let token =
                TokenForge.token(header: ["alg": .string(alg), "kid": "rsa-1"], claims: harness.claims(), signer: nil)
                + "AAAA"
            #expect(await harness.error(token) == .invalidToken(.algorithmNone))
        }
    }

    @Test("HS256 signed with the RSA public key as the secret is refused before any key lookup")
    func refusesHMACKeyConfusion() async throws {
        let key = try await TokenForge.rsaKey()
        let harness = try Harness(key: key)
        let publicPEM = Array(TokenForge.rsaPrivateKey.publicKey.pemRepresentation.utf8)
        let publicDER = Array(TokenForge.rsaPrivateKey.publicKey.derRepresentation)
        for secret in [publicPEM, publicDER] {
            let signer = try await TokenForge.hmacSigner(secret: secret)
            for alg in ["HS256", "HS384", "HS512", "hs256"] {
                let token = TokenForge.token(
                    header: ["alg": .string(alg), "kid": "rsa-1", "typ": "at+jwt"], claims: harness.claims(),
                    signer: signer)
                #expect(await harness.error(token) == .invalidToken(.symmetricAlgorithm))
            }
        }
        #expect(harness.endpoint.fetches == 0)
    }

    @Test("an algorithm outside the allowlist is refused even when the key could verify it")
    func refusesAlgorithmOutsideAllowlist() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) { $0.allowedAlgorithms = [.es256, .eddsa] }
        #expect(await harness.error(harness.token()) == .invalidToken(.algorithmNotAllowed))
        #expect(harness.endpoint.fetches == 0)
    }

    @Test("a token whose algorithm differs from its key's algorithm is refused")
    func refusesKeyAlgorithmMismatch() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) { $0.allowedAlgorithms = [.rs256, .ps256] }
        let token = harness.token(header: ["alg": "PS256"])
        #expect(await harness.error(token) == .invalidToken(.keyAlgorithmMismatch))
    }

    @Test("an unknown algorithm name is refused")
    func refusesUnknownAlgorithm() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        #expect(await harness.error(harness.token(header: ["alg": "RS1"])) == .invalidToken(.algorithmNotAllowed))
    }

    @Test("a wrong audience is refused; an array containing the resource and configured extra audiences pass")
    func audienceRules() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) {
            $0.additionalAudiences = ["api://warden"]
        }
        #expect(
            await harness.error(harness.token(["aud": "https://other.example.com/mcp"]))
                == .invalidToken(.audienceMismatch))
        #expect(
            await harness.error(harness.token(["aud": "https://warden.example.com/mcp/"]))
                == .invalidToken(.audienceMismatch))
        #expect(
            await harness.error(harness.token(["aud": ["https://a.example", "https://b.example"]]))
                == .invalidToken(.audienceMismatch))
        #expect(await harness.error(harness.token(["aud": .double(1)])) == .invalidToken(.malformedClaim("aud")))
        #expect(await harness.error(harness.token(["aud": .null])) == .invalidToken(.malformedClaim("aud")))
        let array = try await harness.verify(harness.token(["aud": ["https://a.example", .string(Harness.resource)]]))
            .get()
        #expect(array.audiences == ["https://a.example", Harness.resource])
        _ = try await harness.verify(harness.token(["aud": "api://warden"])).get()
        var claims = harness.claims()
        claims.removeValue(forKey: "aud")
        #expect(
            await harness.error(TokenForge.token(key: harness.key, claims: claims))
                == .invalidToken(.missingClaim("aud")))
    }

    @Test("a wrong issuer is refused, by exact comparison")
    func refusesWrongIssuer() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        for issuer in [
            "https://evil.example.com/tenant-a/v2.0", Harness.issuer + "/", "HTTPS://login.example.com/tenant-a/v2.0",
        ] {
            #expect(await harness.error(harness.token(["iss": .string(issuer)])) == .invalidToken(.issuerMismatch))
        }
    }

    @Test("an expired token is refused beyond the clock skew and accepted within it")
    func expiry() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let now = harness.clock.now.timeIntervalSince1970
        #expect(await harness.error(harness.token(["exp": .double(now - 61)])) == .invalidToken(.expired))
        _ = try await harness.verify(harness.token(["exp": .double(now - 59)])).get()
        #expect(await harness.error(harness.token(["exp": "tomorrow"])) == .invalidToken(.malformedClaim("exp")))
        var claims = harness.claims()
        claims.removeValue(forKey: "exp")
        #expect(
            await harness.error(TokenForge.token(key: harness.key, claims: claims))
                == .invalidToken(.missingClaim("exp")))
    }

    @Test("a token not yet valid (nbf) or issued in the future (iat) is refused")
    func notYetValid() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let now = harness.clock.now.timeIntervalSince1970
        #expect(await harness.error(harness.token(["nbf": .double(now + 120)])) == .invalidToken(.notYetValid))
        #expect(await harness.error(harness.token(["iat": .double(now + 120)])) == .invalidToken(.issuedInFuture))
        _ = try await harness.verify(harness.token(["nbf": .double(now + 30), "iat": .double(now + 30)])).get()
    }

    @Test("an unknown kid triggers one refresh, and further unknown kids within the interval do not fetch")
    func unknownKeyIDRefreshIsRateLimited() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        _ = try await harness.verify(harness.token()).get()
        #expect(harness.endpoint.fetches == 1)
        harness.clock.advance(seconds: 31)
        let unknown = harness.token(header: ["kid": "made-up-1"])
        #expect(await harness.error(unknown) == .invalidToken(.unknownKeyID))
        #expect(harness.endpoint.fetches == 2)
        for index in 2...5 {
            #expect(
                await harness.error(harness.token(header: ["kid": .string("made-up-\(index)")]))
                    == .invalidToken(.unknownKeyID))
        }
        #expect(harness.endpoint.fetches == 2)
        harness.clock.advance(seconds: 31)
        #expect(await harness.error(unknown) == .invalidToken(.unknownKeyID))
        #expect(harness.endpoint.fetches == 3)
    }

    @Test("a token without kid is refused")
    func refusesMissingKeyID() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let token = TokenForge.token(
            header: ["alg": "RS256", "typ": "at+jwt"], claims: harness.claims(), signer: harness.key.signer)
        #expect(await harness.error(token) == .invalidToken(.missingKeyID))
    }

    @Test("malformed tokens are refused as malformed")
    func refusesMalformedTokens() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let valid = harness.token()
        let parts = valid.split(separator: ".").map(String.init)
        let cases = [
            "abc",
            parts[0] + "." + parts[1],
            parts[0] + "." + parts[1] + ".",
            parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[2],
            "e30." + parts[1] + "." + parts[2],
            parts[0] + "~." + parts[1] + "." + parts[2],
            parts[0] + "." + parts[1] + "." + parts[2] + "=",
            TokenForge.encode(.string("x")) + "." + parts[1] + "." + parts[2],
        ]
        for token in cases {
            #expect(await harness.error(token) == .invalidToken(.malformed), "token shape: \(token.count) chars")
        }
        #expect(await harness.error("a.b.c.d.e") == .invalidToken(.encryptedToken))
    }

    @Test("a token with a changed payload fails the signature check")
    func refusesTamperedPayload() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let parts = harness.token().split(separator: ".").map(String.init)
        let forged = TokenForge.encode(.object(harness.claims(["roles": ["admin"]])))
        #expect(await harness.error(parts[0] + "." + forged + "." + parts[2]) == .invalidToken(.signatureInvalid))
    }

    @Test("an oversized token is refused before parsing")
    func refusesTooLargeToken() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let padding = String(repeating: "a", count: 17 * 1024)
        #expect(await harness.error(harness.token(["pad": .string(padding)])) == .invalidToken(.tooLarge))
        #expect(await harness.error(String(repeating: "A", count: 16 * 1024 + 1)) == .invalidToken(.tooLarge))
    }

    @Test("a request without bearer credentials gets 401 without an error code")
    func missingToken() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        #expect(await harness.verifier.verify(authorizationHeader: nil) == .failure(.missingToken))
        #expect(await harness.verifier.verify(authorizationValues: []) == .failure(.missingToken))
        #expect(await harness.verifier.verify(authorizationHeader: "   ") == .failure(.missingToken))
        #expect(
            await harness.verifier.verify(authorizationHeader: "Basic YWxhZGRpbjpvcGVuc2VzYW1l")
                == .failure(.missingToken))
        #expect(AccessTokenError.missingToken.httpStatus == 401)
        #expect(AccessTokenError.missingToken.errorCode == nil)
    }

    @Test("the Authorization header must hold one Bearer token; the scheme is case-insensitive")
    func authorizationHeaderSyntax() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let token = harness.token()
        for scheme in ["bearer", "BEARER", "Bearer", "bEaReR"] {
            _ = try await harness.verifier.verify(authorizationHeader: "\(scheme) \(token)").get()
        }
        _ = try await harness.verifier.verify(authorizationHeader: "Bearer   \(token)  ").get()
        let twoValues = await harness.verifier.verify(authorizationValues: ["Bearer " + token, "Bearer " + token])
        #expect(twoValues == .failure(.invalidRequest(.multipleAuthorizationHeaders)))
        #expect(AccessTokenError.invalidRequest(.multipleAuthorizationHeaders).httpStatus == 400)
        // Broken bearer credentials are an invalid token (401), not a bad request; see BearerCredentialsTests.
        let malformed = [
            "Bearer \(token) \(token)", "Bearer \(token),Bearer \(token)", "Bearer\t\(token)",
            "Bearer \(token) extra=1", "Bearer \"\(token)\"",
        ]
        for value in malformed {
            let result = await harness.verifier.verify(authorizationHeader: value)
            #expect(result == .failure(.invalidToken(.malformedCredentials)), "value: \(value.prefix(12))")
        }
        for value in ["Bearer", "Bearer "] {
            #expect(
                await harness.verifier.verify(authorizationHeader: value) == .failure(.invalidToken(.emptyBearerToken)))
        }
    }

    @Test("a token in the query string is refused even with a valid header")
    func refusesTokenInQuery() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let result = await harness.verifier.verify(
            authorizationValues: ["Bearer " + harness.token()], queryContainsAccessToken: true)
        #expect(result == .failure(.invalidRequest(.tokenInQuery)))
        #expect(AccessTokenQueryCheck.containsAccessToken(query: "a=1&access_token=x"))
        #expect(AccessTokenQueryCheck.containsAccessToken(query: "ACCESS%5Ftoken=x"))
        #expect(AccessTokenQueryCheck.containsAccessToken(query: "access_token"))
        #expect(!AccessTokenQueryCheck.containsAccessToken(query: "token=x&access=y"))
        #expect(!AccessTokenQueryCheck.containsAccessToken(query: nil))
    }

    @Test("tenant binding refuses another tenant and a token without a tenant")
    func tenantBinding() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) { $0.expectedTenant = "tenant-a" }
        #expect(await harness.error(harness.token(["tid": "tenant-b"])) == .invalidToken(.tenantMismatch))
        var claims = harness.claims()
        claims.removeValue(forKey: "tid")
        #expect(
            await harness.error(TokenForge.token(key: harness.key, claims: claims))
                == .invalidToken(.missingClaim("tid")))
        #expect(try await harness.verify(harness.token()).get().tenantID == "tenant-a")
    }

    @Test("a token without a required scope gets 403 insufficient_scope naming the scope")
    func requiredScopes() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) {
            $0.requiredScopes = ["mcp.tools", "mcp.admin"]
        }
        let error = await harness.error(harness.token())
        #expect(error == .insufficientScope(required: ["mcp.admin", "mcp.tools"]))
        #expect(error?.httpStatus == 403)
        #expect(error?.errorCode == "insufficient_scope")
        _ = try await harness.verify(harness.token(["scope": "mcp.admin mcp.tools"])).get()
        var entraStyle = harness.claims(["scp": ["mcp.admin", "mcp.tools"]])
        entraStyle.removeValue(forKey: "scope")
        let verified = try await harness.verify(TokenForge.token(key: harness.key, claims: entraStyle)).get()
        #expect(verified.scopes == ["mcp.admin", "mcp.tools"])
    }

    @Test("critical header extensions are refused, and at+jwt is enforced by default")
    func headerRules() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        #expect(await harness.error(harness.token(header: ["crit": ["exp"]])) == .invalidToken(.criticalHeader))
        #expect(await harness.error(harness.token(header: ["typ": "JWT"])) == .invalidToken(.wrongTokenType))
        _ = try await harness.verify(harness.token(header: ["typ": "application/at+jwt"])).get()
    }

    @Test("the subject and roles come from the configured claims (Entra oid, nested paths)")
    func configurableClaims() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) {
            $0.subjectClaim = "oid"
            $0.roleClaims = [.roles, RoleClaimSource(path: "realm_access.roles")]
        }
        let token = harness.token(["oid": "object-9", "realm_access": .object(["roles": ["approver"]])])
        let verified = try await harness.verify(token).get()
        #expect(verified.subject == "object-9")
        #expect(verified.roles == ["analyst", "approver"])
        #expect(await harness.error(harness.token()) == .invalidToken(.missingClaim("oid")))
        #expect(
            await harness.error(harness.token(["oid": "x", "roles": .double(3)]))
                == .invalidToken(.malformedClaim("roles")))
    }

    @Test("when no keys can be fetched the request fails closed with 503")
    func keysUnavailable() async throws {
        let key = try await TokenForge.rsaKey()
        let harness = try Harness(key: key)
        harness.endpoint.serve(nil)
        let error = await harness.error(harness.token())
        #expect(error == .signingKeysUnavailable)
        #expect(error?.httpStatus == 503)
    }

    @Test("an invalid configuration is refused at construction")
    func refusesInvalidConfiguration() async throws {
        let cache = JWKSCache(fetcher: ClosureJWKSFetcher { [] })
        let bad: [ResourceServerConfiguration] = [
            .init(issuer: "", resource: Harness.resource),
            .init(issuer: Harness.issuer, resource: "warden"),
            .init(issuer: Harness.issuer, resource: "https://warden.example.com/mcp#frag"),
            .init(issuer: Harness.issuer, resource: Harness.resource, allowedAlgorithms: []),
            .init(issuer: Harness.issuer, resource: Harness.resource, clockSkew: .seconds(3600)),
            .init(issuer: Harness.issuer, resource: Harness.resource, expectedTenant: ""),
        ]
        for configuration in bad {
            #expect(throws: ResourceServerConfigurationError.self) {
                try AccessTokenVerifier(configuration: configuration, keys: cache)
            }
        }
    }

    @Test("a deeply nested header is refused as malformed")
    func refusesDeeplyNestedHeader() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let nested = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let header = Base64URL.encode(Array(("{\"alg\":\"RS256\",\"x\":" + nested + "}").utf8))
        let parts = harness.token().split(separator: ".")
        #expect(await harness.error(header + "." + parts[1] + "." + parts[2]) == .invalidToken(.malformed))
    }

    @Test("a header naming alg twice is refused as malformed")
    func refusesDuplicateHeaderParameters() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let header = Base64URL.encode(Array(#"{"alg":"RS256","kid":"rsa-1","alg":"none"}"#.utf8))
        let parts = harness.token().split(separator: ".")
        #expect(await harness.error(header + "." + parts[1] + "." + parts[2]) == .invalidToken(.malformed))
    }
}

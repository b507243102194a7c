import Foundation
import Testing

@testable import WardenOAuth

@Suite("JWKS cache")
struct JWKSCacheTests {
    @Test("one malformed key in a JWKS does not reject the others")
    func badKeysAreSkippedOneByOne() async throws {
        let good = try await TokenForge.rsaKey(keyID: "good")
        var truncatedModulus = good.publicJWK
        truncatedModulus["kid"] = "short-modulus"
        truncatedModulus["n"] = "AQAB"
        var notBase64 = good.publicJWK
        notBase64["kid"] = "not-base64"
        notBase64["n"] = "%%%"
        var privateKey = good.publicJWK
        privateKey["kid"] = "private"
        privateKey["d"] = "AQAB"
        var encryption = good.publicJWK
        encryption["kid"] = "encryption"
        encryption["use"] = "enc"
        var wrongCurve = try await TokenForge.eddsaKey(keyID: "wrong-curve").publicJWK
        wrongCurve["alg"] = "ES256"
        let jwks = TokenForge.jwks([
            ["kty": "oct", "kid": "shared", "k": "c2VjcmV0"],
            ["kty": "RSA"],
            ["kty": "XYZ", "kid": "unknown-type"],
            ["kid": "no-kty"],
            truncatedModulus, notBase64, privateKey, encryption, wrongCurve,
            ["kty": "RSA", "kid": "bad-alg", "alg": "HS256", "n": "AQAB", "e": "AQAB"],
            good.publicJWK,
        ])
        let harness = try Harness(key: good, jwks: jwks)
        let verified = try await harness.verify(harness.token()).get()
        #expect(verified.keyID == "good")
        #expect(await harness.cache.keyIDs == ["good"])
    }

    @Test("the parser reports why each bad key was skipped")
    func skippedKeysAreNamed() async throws {
        let parsed = try #require(
            await JWKSKeySet.parse(
                TokenForge.jwks([["kty": "oct", "kid": "shared"], ["kty": "RSA", "kid": "r", "use": "enc"]])))
        #expect(parsed.count == 0)
        #expect(parsed.skipped.map(\.keyID) == ["shared", "r"])
        #expect(await JWKSKeySet.parse(Array("not json".utf8)) == nil)
        #expect(await JWKSKeySet.parse(Array("{\"keys\":{}}".utf8)) == nil)
    }

    @Test("a key rotation is picked up when a token names the new kid")
    func rotationThroughRefresh() async throws {
        let old = try await TokenForge.rsaKey(keyID: "2026-01")
        let new = try await TokenForge.eddsaKey(keyID: "2026-02")
        let harness = try Harness(key: old)
        _ = try await harness.verify(harness.token()).get()
        harness.endpoint.serve(TokenForge.jwks([old.publicJWK, new.publicJWK]))
        harness.clock.advance(seconds: 31)
        let rotated = TokenForge.token(key: new, claims: harness.claims())
        let verified = try await harness.verify(rotated).get()
        #expect(verified.keyID == "2026-02")
        #expect(verified.algorithm == .eddsa)
        #expect(harness.endpoint.fetches == 2)
    }

    @Test("a key the issuer removed stops verifying once the cache expires")
    func removedKeyStopsVerifying() async throws {
        let old = try await TokenForge.rsaKey(keyID: "old")
        let new = try await TokenForge.eddsaKey(keyID: "new")
        let harness = try Harness(key: old)
        _ = try await harness.verify(harness.token()).get()
        harness.endpoint.serve(TokenForge.jwks([new.publicJWK]))
        harness.clock.advance(seconds: 901)
        #expect(await harness.error(harness.token()) == .invalidToken(.unknownKeyID))
    }

    @Test("a failed refresh keeps the keys already known")
    func failedRefreshKeepsKeys() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        _ = try await harness.verify(harness.token()).get()
        harness.endpoint.serve(nil)
        harness.clock.advance(seconds: 901)
        _ = try await harness.verify(harness.token()).get()
        #expect(harness.endpoint.fetches == 2)
        #expect(await harness.cache.fetchAttempts == 2)
    }

    @Test("concurrent lookups after expiry share one fetch")
    func concurrentLookupsCoalesce() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let token = harness.token()
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { (try? await harness.verify(token).get()) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 16))
        #expect(harness.endpoint.fetches == 1)
    }

    @Test("an RSA key published without alg verifies RS256 and nothing else")
    func rsaKeyWithoutAlgorithm() async throws {
        let key = try await TokenForge.rsaKey(keyID: "no-alg", jwkAlgorithm: nil)
        let harness = try Harness(key: key) { $0.allowedAlgorithms = [.rs256, .rs512] }
        #expect(try await harness.verify(harness.token()).get().algorithm == .rs256)
        #expect(await harness.error(harness.token(header: ["alg": "RS512"])) == .invalidToken(.keyAlgorithmMismatch))
    }
}

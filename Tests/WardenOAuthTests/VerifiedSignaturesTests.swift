import Foundation
import JWTKit
import Testing
import WardenCore
import _CryptoExtras

@testable import WardenOAuth

/// The signature of a token is checked once; everything else about it is judged on every request.
@Suite("Remembered signatures")
struct VerifiedSignaturesTests {
    @Test("a token verified once is remembered, and its expiry is still judged on every later request")
    func expiryIsJudgedAgain() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let token = harness.token()
        _ = try await harness.verify(token).get()
        #expect(harness.verifier.signatures.count == 1)
        _ = try await harness.verify(token).get()
        harness.clock.advance(seconds: 361)
        #expect(await harness.error(token) == .invalidToken(.expired))
    }

    @Test("a key replaced under the same kid ends what was remembered: the old token fails its signature")
    func rotatedKeyIsHonoured() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let token = harness.token()
        _ = try await harness.verify(token).get()
        // The issuer now publishes another RSA key under the same kid and algorithm.
        let other = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let primitives = try other.publicKey.getKeyPrimitives()
        let replaced: [String: JSONValue] = [
            "kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256",
            "n": .string(Base64URL.encode(primitives.modulus)),
            "e": .string(Base64URL.encode(primitives.publicExponent)),
        ]
        harness.endpoint.serve(TokenForge.jwks([replaced]))
        harness.clock.advance(seconds: 31)
        #expect(await harness.cache.refresh())
        #expect(await harness.error(token) == .invalidToken(.signatureInvalid))
        #expect(harness.verifier.signatures.count == 0)
    }

    @Test("a key removed from the issuer's set ends what was remembered")
    func removedKeyIsHonoured() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey())
        let token = harness.token()
        _ = try await harness.verify(token).get()
        let other = try await TokenForge.eddsaKey(keyID: "ed-1")
        harness.endpoint.serve(TokenForge.jwks([other.publicJWK]))
        harness.clock.advance(seconds: 31)
        #expect(await harness.cache.refresh())
        #expect(await harness.error(token) == .invalidToken(.unknownKeyID))
    }

    @Test("a refused token is never remembered: a forged signature, a missing scope")
    func refusalsAreNotRemembered() async throws {
        let harness = try Harness(key: try await TokenForge.rsaKey()) { $0.requiredScopes = ["files.write"] }
        let parts = harness.token(["scope": "files.write"]).split(separator: ".").map(String.init)
        let forged = TokenForge.encode(.object(harness.claims(["roles": ["admin"], "scope": "files.write"])))
        #expect(await harness.error(parts[0] + "." + forged + "." + parts[2]) == .invalidToken(.signatureInvalid))
        #expect(
            await harness.error(harness.token(["scope": "mcp.tools"]))
                == .insufficientScope(required: ["files.write"]))
        #expect(harness.verifier.signatures.count == 0)
        // The genuine token is remembered; its forged twin still fails (it is other bytes).
        _ = try await harness.verify(parts.joined(separator: ".")).get()
        #expect(harness.verifier.signatures.count == 1)
        #expect(await harness.error(parts[0] + "." + forged + "." + parts[2]) == .invalidToken(.signatureInvalid))
    }

    @Test("when full, expired entries go first, then everything")
    func boundedByCapacity() {
        let cache = VerifiedSignatures()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func entry(expiring seconds: TimeInterval) -> VerifiedSignatures.Entry {
            VerifiedSignatures.Entry(
                keyID: "k", algorithm: .rs256, keyFingerprint: "f", payload: [:],
                expiresAt: now.addingTimeInterval(seconds))
        }
        for index in 0..<VerifiedSignatures.capacity {
            cache.remember(
                VerifiedSignatures.digest(of: "token-\(index)"), entry(expiring: index < 10 ? -1 : 60), now: now)
        }
        #expect(cache.count == VerifiedSignatures.capacity)
        cache.remember(VerifiedSignatures.digest(of: "one more"), entry(expiring: 60), now: now)
        #expect(cache.count == VerifiedSignatures.capacity - 10 + 1)
        for index in 0..<10 {
            cache.remember(VerifiedSignatures.digest(of: "more-\(index)"), entry(expiring: 60), now: now)
        }
        #expect(cache.count == 1)
    }
}

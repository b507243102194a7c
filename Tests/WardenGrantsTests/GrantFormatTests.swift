import Foundation
import Testing
import WardenGrants

/// A well-formed, all-zero 32-byte tag.
let tag43 = String(repeating: "A", count: 43)

@Suite("wg1 token format")
struct GrantFormatTests {
    @Test("a token is wg1.<payload>.<tag> with a 32-byte tag and decodes back to its claims")
    func shape() throws {
        let grant = try Fixture.mint(agent: "agent-1", to: ["bob@example.com", "alice@example.com"])
        let parts = try #require(TokenParts(grant.token))
        #expect(grant.token.hasPrefix("wg1."))
        #expect(parts.tag.count == 32)
        #expect(parts.payload.first == 1)
        #expect(try GrantToken.decodeUnverified(grant.token) == grant.claims)
    }

    @Test("recipients are stored sorted and without duplicates")
    func recipientsCanonical() throws {
        let grant = try Fixture.mint(to: [
            "carol@example.com", "alice@example.com", "carol@EXAMPLE.com", "bob@example.com",
        ])
        #expect(
            grant.claims.recipients.map(\.canonical) == [
                "mailto:alice@example.com", "mailto:bob@example.com", "mailto:carol@example.com",
            ])
    }

    @Test("the same claims always encode to the same token")
    func deterministicEncoding() throws {
        let minter = GrantMinter(keys: Fixture.acmeKeys)
        let nonce = GrantNonce(high: 1, low: 2)
        func mint(_ recipients: [String]) throws -> String {
            try minter.mint(
                tenant: "acme", mintedBy: GrantOrigin(.policy, id: "trusted-directory"), tool: "mail.send",
                recipients: recipients.map(Fixture.email), notBefore: Fixture.now,
                expiresAt: Fixture.now.addingTimeInterval(60), nonce: nonce
            ).token
        }
        #expect(
            try mint(["b@example.com", "a@example.com"]) == mint(["a@example.com", "b@example.com", "a@example.com"]))
        #expect(try mint(["a@example.com"]) != mint(["b@example.com"]))
    }

    @Test("fresh grants get fresh nonces")
    func freshNonces() throws {
        let nonces = try (0..<50).map { _ in try Fixture.mint().claims.nonce }
        #expect(Set(nonces).count == 50)
    }

    static let brokenTokens: [(String, GrantMalformation)] = [
        ("", GrantMalformation.wrongPrefix),
        ("wg2.AAAA.AAAA", .wrongPrefix),
        ("WG1.AAAA.AAAA", .wrongPrefix),
        ("wg1.", .wrongPrefix),
        ("wg1.AAAA", .wrongShape),
        ("wg1.AAAA.", .wrongShape),
        ("wg1..AAAA", .wrongShape),
        ("wg1.AA.AA.AA", .wrongShape),
        ("wg1.AAAA.AAAA", .wrongTagLength),
        ("wg1.AA=A." + tag43, .badBase64),
        ("wg1.A+AA." + tag43, .badBase64),
        ("wg1.AAAAA." + tag43, .badBase64),
        ("wg1.AB." + tag43, .badBase64),
        ("wg1.AAAA." + String(repeating: "A", count: 42) + "B", .badBase64),
    ]

    @Test("structurally broken tokens are refused as malformed with the rule named", arguments: brokenTokens)
    func malformedRefused(token: String, expected: GrantMalformation) throws {
        let facts = try Fixture.facts()
        #expect(refusal(GrantVerifier(keys: Fixture.acmeKeys), token, facts, Fixture.now) == .malformed(expected))
    }

    @Test("payloads that break the field rules are refused before any key lookup")
    func malformedPayloads() throws {
        let valid = try #require(TokenParts(try Fixture.mint().token))
        let facts = try Fixture.facts()
        let verifier = GrantVerifier(keys: Fixture.acmeKeys)
        func check(_ payload: [UInt8], _ expected: GrantMalformation) {
            var parts = valid
            parts.payload = payload
            #expect(refusal(verifier, parts.token, facts, Fixture.now) == .malformed(expected))
        }
        check([2] + valid.payload.dropFirst(), .unsupportedPayloadVersion)
        check(Array(valid.payload.dropLast()), .truncated)
        check(valid.payload + [0], .trailingBytes)
        check([1, 0, 0], .fieldOutOfBounds("tenant"))
        var badKind = valid.payload
        badKind[1 + 2 + 4 + 2 + 7] = 9  // version, tenant "acme", key id "acme-k1", then minted-by kind
        check(badKind, .invalidFlag("minted-by kind"))
    }

    @Test("an oversized token is refused before decoding")
    func oversizedRefused() throws {
        let token = "wg1." + String(repeating: "A", count: GrantToken.maximumLength) + ".AAAA"
        #expect(
            refusal(GrantVerifier(keys: Fixture.acmeKeys), token, try Fixture.facts(), Fixture.now)
                == .malformed(.tooLong))
    }

    @Test("minting refuses grants without recipients, with inverted times or too long a lifetime")
    func mintRefusals() throws {
        let minter = GrantMinter(keys: Fixture.acmeKeys, maximumLifetimeSeconds: 3600)
        let origin = GrantOrigin(.admin, id: "root")
        #expect(throws: GrantMintError.noRecipients) {
            try minter.mint(
                tenant: "acme", mintedBy: origin, tool: "t", recipients: [], notBefore: Fixture.now,
                expiresAt: Fixture.now.addingTimeInterval(60))
        }
        #expect(throws: GrantMintError.expiryNotAfterNotBefore) {
            try minter.mint(
                tenant: "acme", mintedBy: origin, tool: "t", recipients: [try Fixture.email("a@example.com")],
                notBefore: Fixture.now, expiresAt: Fixture.now)
        }
        #expect(throws: GrantMintError.lifetimeTooLong(maximumSeconds: 3600)) {
            try minter.mint(
                tenant: "acme", mintedBy: origin, tool: "t", recipients: [try Fixture.email("a@example.com")],
                notBefore: Fixture.now, expiresAt: Fixture.now.addingTimeInterval(3601))
        }
        #expect(throws: GrantMintError.emptyField("tool")) {
            try minter.mint(
                tenant: "acme", mintedBy: origin, tool: "", recipients: [try Fixture.email("a@example.com")],
                notBefore: Fixture.now, expiresAt: Fixture.now.addingTimeInterval(60))
        }
    }

    @Test("content digests parse only from 64 lower-case hex digits and print back identically")
    func contentDigestText() throws {
        let digest = ContentDigest.sha256(of: Array("abc".utf8))
        #expect(digest.description == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentDigest(hex: digest.description) == digest)
        #expect(ContentDigest(hex: digest.description.uppercased()) == nil)
        #expect(ContentDigest(hex: String(digest.description.dropLast())) == nil)
    }

    @Test("the benchmark verifies real grants and reports a positive rate")
    func benchmarkRuns() throws {
        #expect(try GrantBenchmark.verifyThroughput(iterations: 1000) > 0)
    }
}

@Suite("grant inspection")
struct GrantInspectionTests {
    let verifier = GrantVerifier(keys: Fixture.acmeKeys)

    @Test("a valid token shows its claims and verifies")
    func validToken() throws {
        let grant = try Fixture.mint(agent: "agent-1")
        let inspection = verifier.inspect(grant.token, now: Fixture.now)
        #expect(inspection.claims == grant.claims)
        #expect(inspection.verifies)
    }

    @Test("an expired, forged or foreign token shows its claims and the reason it does not verify")
    func failingTokens() throws {
        let grant = try Fixture.mint(lifetime: 60)
        #expect(verifier.inspect(grant.token, now: Fixture.now.addingTimeInterval(61)).refusal == .expired)
        var forged = try #require(TokenParts(grant.token))
        forged.tag[0] ^= 1
        let forgedInspection = verifier.inspect(forged.token, now: Fixture.now)
        #expect(forgedInspection.refusal == .badSignature)
        #expect(forgedInspection.claims == grant.claims)
        #expect(
            GrantVerifier(keys: GrantKeySet(active: Fixture.key("other", seed: 5))).inspect(
                grant.token, now: Fixture.now
            ).refusal == .unknownKey(keyID: "acme-k1"))
        #expect(verifier.inspect("nonsense", now: Fixture.now).claims == nil)
    }
}

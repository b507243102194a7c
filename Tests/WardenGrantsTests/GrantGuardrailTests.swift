import Foundation
import Testing
import WardenGrants

/// The send-grant guardrails of issue 5, at the library level. Each asserts the specific refusal.
@Suite("send grant guardrails")
struct GrantGuardrailTests {
    let verifier = GrantVerifier(keys: Fixture.acmeKeys)

    @Test("a grant for exactly this send verifies and returns its claims")
    func validGrantVerifies() throws {
        let digest = ContentDigest.sha256(of: Array("hello".utf8))
        let grant = try Fixture.mint(agent: "agent-7", to: ["alice@example.com", "bob@example.org"], digest: digest)
        let verified = try verifier.verify(
            grant.token,
            expected: try Fixture.facts(
                to: ["bob@example.org", "alice@example.com"], digest: digest, agent: "agent-7"),
            now: Fixture.now)
        #expect(verified.claims == grant.claims)
        #expect(verified.claims.mintedBy == GrantOrigin(.approval, id: "apr-1"))
        #expect(verified.nonce == grant.claims.nonce)
    }

    @Test("unsigned send: no grant is refused as missing")
    func unsignedSendRefused() async throws {
        let redeemer = GrantRedeemer(verifier: verifier, nonces: MemoryNonceStore())
        for token in [nil, ""] as [String?] {
            await #expect(throws: GrantRefusal.missing) {
                try await redeemer.redeem(token, for: try Fixture.facts(), now: Fixture.now)
            }
        }
    }

    @Test("a token without a tag, or with a forged tag, is refused")
    func unsignedTokenRefused() throws {
        let grant = try Fixture.mint()
        let withoutTag = String(grant.token[..<(grant.token.lastIndex(of: ".") ?? grant.token.endIndex)])
        #expect(refusal(verifier, withoutTag, try Fixture.facts(), Fixture.now) == .malformed(.wrongShape))
        var forged = try #require(TokenParts(grant.token))
        forged.tag = [UInt8](repeating: 0, count: 32)
        #expect(refusal(verifier, forged.token, try Fixture.facts(), Fixture.now) == .badSignature)
    }

    @Test("a grant for A used to send to B is refused naming B")
    func grantForAUsedForB() throws {
        let grant = try Fixture.mint(to: ["alice@example.com"])
        let facts = try Fixture.facts(to: ["bob@example.com"])
        #expect(
            refusal(verifier, grant.token, facts, Fixture.now)
                == .recipientNotCovered(try Fixture.email("bob@example.com")))
    }

    @Test("A plus an extra bcc is refused: one uncovered recipient refuses the whole send")
    func extraBccRefused() throws {
        let grant = try Fixture.mint(to: ["alice@example.com"])
        let facts = try Fixture.facts(to: ["alice@example.com", "mallory@evil.example"])
        #expect(
            refusal(verifier, grant.token, facts, Fixture.now)
                == .recipientNotCovered(try Fixture.email("mallory@evil.example")))
    }

    @Test("a send to a subset of the grant's recipients is allowed (send ⊆ grant)")
    func subsetAllowed() throws {
        let grant = try Fixture.mint(to: ["alice@example.com", "bob@example.com", "carol@example.com"])
        _ = try verifier.verify(grant.token, expected: try Fixture.facts(to: ["bob@example.com"]), now: Fixture.now)
    }

    @Test("the send's recipients are compared after normalisation")
    func normalisedComparison() throws {
        let grant = try Fixture.mint(to: ["alice@example.com"])
        _ = try verifier.verify(grant.token, expected: try Fixture.facts(to: ["alice@EXAMPLE.com."]), now: Fixture.now)
        #expect(
            refusal(verifier, grant.token, try Fixture.facts(to: ["Alice@example.com"]), Fixture.now)
                == .recipientNotCovered(try Fixture.email("Alice@example.com")))
    }

    @Test("a send with no recipients is refused")
    func noRecipientsRefused() throws {
        let grant = try Fixture.mint()
        #expect(refusal(verifier, grant.token, try Fixture.facts(to: []), Fixture.now) == .sendHasNoRecipients)
    }

    @Test("an expired grant is refused, including at the exact expiry second")
    func expiredRefused() throws {
        let grant = try Fixture.mint(lifetime: 300)
        let facts = try Fixture.facts()
        _ = try verifier.verify(grant.token, expected: facts, now: Fixture.now.addingTimeInterval(299))
        #expect(refusal(verifier, grant.token, facts, Fixture.now.addingTimeInterval(300)) == .expired)
        #expect(refusal(verifier, grant.token, facts, Fixture.now.addingTimeInterval(86_400)) == .expired)
    }

    @Test("a grant used before its not-before time is refused")
    func notYetValidRefused() throws {
        let grant = try Fixture.mint(notBefore: Fixture.now.addingTimeInterval(60))
        #expect(refusal(verifier, grant.token, try Fixture.facts(), Fixture.now) == .notYetValid)
    }

    @Test("a replayed grant is refused on its second redemption")
    func replayRefused() async throws {
        let redeemer = GrantRedeemer(verifier: verifier, nonces: MemoryNonceStore())
        let grant = try Fixture.mint()
        _ = try await redeemer.redeem(grant.token, for: try Fixture.facts(), now: Fixture.now)
        await #expect(throws: GrantRefusal.replayed) {
            try await redeemer.redeem(grant.token, for: try Fixture.facts(), now: Fixture.now)
        }
    }

    @Test("a tampered payload (a recipient changed) is refused as a bad signature")
    func tamperedPayloadRefused() throws {
        let grant = try Fixture.mint(to: ["alice@example.com"])
        var parts = try #require(TokenParts(grant.token))
        let alice = Array("alice@example.com".utf8)
        let start = try #require(
            parts.payload.indices.first {
                parts.payload[$0..<min($0 + alice.count, parts.payload.count)].elementsEqual(alice)
            })
        parts.payload.replaceSubrange(start..<(start + 5), with: Array("mally".utf8))
        let facts = try Fixture.facts(to: ["mally@example.com"])
        #expect(refusal(verifier, parts.token, facts, Fixture.now) == .badSignature)
    }

    @Test("a tampered payload (expiry extended) is refused as a bad signature")
    func tamperedExpiryRefused() throws {
        let grant = try Fixture.mint(lifetime: 60)
        var parts = try #require(TokenParts(grant.token))
        // Expiry is the 8 bytes before the 16-byte nonce at the end of the payload.
        parts.payload[parts.payload.count - 16 - 8 + 4] &+= 1
        #expect(
            refusal(verifier, parts.token, try Fixture.facts(), Fixture.now.addingTimeInterval(120)) == .badSignature)
    }

    @Test("a tampered tag is refused as a bad signature, for every bit position tried")
    func tamperedTagRefused() throws {
        let grant = try Fixture.mint()
        for bit in stride(from: 0, to: 256, by: 7) {
            var parts = try #require(TokenParts(grant.token))
            parts.tag[bit / 8] ^= UInt8(1 << (bit % 8))
            #expect(refusal(verifier, parts.token, try Fixture.facts(), Fixture.now) == .badSignature)
        }
    }

    @Test("changing any character of the token never yields a verified grant")
    func anyCharacterChangeRefused() throws {
        let grant = try Fixture.mint(to: ["alice@example.com", "bob@example.com"])
        let facts = try Fixture.facts(to: ["alice@example.com"])
        let characters = Array(grant.token)
        for index in characters.indices {
            var changed = characters
            changed[index] = characters[index] == "A" ? "B" : "A"
            #expect(refusal(verifier, String(changed), facts, Fixture.now) != nil)
        }
    }

    @Test("a grant of tenant X presented in tenant Y's cell is refused as wrong tenant")
    func wrongTenantRefused() throws {
        let globexKeys = GrantKeySet(active: Fixture.key("globex-k1", seed: 2))
        let grant = try Fixture.mint(keys: globexKeys, tenant: "globex")
        // In acme's cell the key is unknown and the tenant differs.
        #expect(refusal(verifier, grant.token, try Fixture.facts(tenant: "acme"), Fixture.now) == .wrongTenant)
        // Even if a cell (wrongly) shared keys, the authenticated tenant claim refuses it.
        let shared = GrantVerifier(keys: globexKeys)
        #expect(refusal(shared, grant.token, try Fixture.facts(tenant: "acme"), Fixture.now) == .wrongTenant)
    }

    @Test("a grant for message M used for message N is refused when the digest is bound")
    func contentDigestMismatchRefused() throws {
        let messageM = ContentDigest.sha256(of: Array("pay invoice 17".utf8))
        let messageN = ContentDigest.sha256(of: Array("pay invoice 18".utf8))
        let grant = try Fixture.mint(digest: messageM)
        _ = try verifier.verify(grant.token, expected: try Fixture.facts(digest: messageM), now: Fixture.now)
        #expect(refusal(verifier, grant.token, try Fixture.facts(digest: messageN), Fixture.now) == .contentMismatch)
        #expect(refusal(verifier, grant.token, try Fixture.facts(digest: nil), Fixture.now) == .contentMismatch)
        // A grant without a digest does not bind content.
        let unbound = try Fixture.mint()
        _ = try verifier.verify(unbound.token, expected: try Fixture.facts(digest: messageN), now: Fixture.now)
    }

    @Test("rotation keeps the old key verifying; once retired its grants are refused as unknown key")
    func rotatedAndRetiredKey() throws {
        let old = Fixture.key("acme-k1", seed: 1)
        let new = Fixture.key("acme-k2", seed: 3)
        let grant = try Fixture.mint(keys: GrantKeySet(active: old))
        let rotated = GrantKeySet(active: new, verifyOnly: [old])
        _ = try GrantVerifier(keys: rotated).verify(grant.token, expected: try Fixture.facts(), now: Fixture.now)
        #expect(try Fixture.mint(keys: rotated).claims.keyID == "acme-k2")
        let retired = GrantKeySet(active: new)
        #expect(
            refusal(GrantVerifier(keys: retired), grant.token, try Fixture.facts(), Fixture.now)
                == .unknownKey(keyID: "acme-k1"))
    }

    @Test("a key id that names another key is refused as a bad signature")
    func keyConfusionRefused() throws {
        let impostor = Fixture.key("acme-k1", seed: 9)
        let grant = try Fixture.mint(keys: GrantKeySet(active: impostor))
        #expect(refusal(verifier, grant.token, try Fixture.facts(), Fixture.now) == .badSignature)
    }

    @Test("a grant for another tool is refused")
    func wrongToolRefused() throws {
        let grant = try Fixture.mint(tool: "mail.send")
        #expect(refusal(verifier, grant.token, try Fixture.facts(tool: "chat.post"), Fixture.now) == .wrongTool)
    }

    @Test("a grant bound to one agent is refused for another agent or an unnamed one")
    func wrongAgentRefused() throws {
        let grant = try Fixture.mint(agent: "agent-7")
        #expect(refusal(verifier, grant.token, try Fixture.facts(agent: "agent-8"), Fixture.now) == .wrongAgent)
        #expect(refusal(verifier, grant.token, try Fixture.facts(agent: nil), Fixture.now) == .wrongAgent)
        let unbound = try Fixture.mint(agent: nil)
        _ = try verifier.verify(unbound.token, expected: try Fixture.facts(agent: "agent-8"), now: Fixture.now)
    }

    @Test("every refusal has a distinct rule code")
    func refusalCodesDistinct() throws {
        let refusals: [GrantRefusal] = [
            .missing, .malformed(.wrongPrefix), .unknownKey(keyID: "k"), .badSignature, .wrongTenant, .wrongTool,
            .wrongAgent, .notYetValid, .expired, .sendHasNoRecipients,
            .recipientNotCovered(try Fixture.email("a@example.com")), .contentMismatch, .replayed,
        ]
        #expect(Set(refusals.map(\.code)).count == refusals.count)
        #expect(refusals.allSatisfy { $0.code.hasPrefix("grant.") })
    }
}

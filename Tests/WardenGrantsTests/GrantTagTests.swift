import Crypto
import Foundation
import Testing
import WardenGrants

@Suite("grant tag is standard HMAC-SHA256")
struct GrantTagTests {
    @Test(
        "the tag equals Crypto's HMAC-SHA256 over \"wg1.\" followed by the payload", arguments: [16, 32, 64, 65, 100])
    func tagMatchesReferenceHMAC(keyLength: Int) throws {
        let keyBytes = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let keys = GrantKeySet(active: GrantKey(keyID: "k", key: SymmetricKey(data: keyBytes)))
        let grant = try Fixture.mint(keys: keys, to: ["alice@example.com", "bob@example.com"])
        let parts = try #require(TokenParts(grant.token))
        let reference = HMAC<SHA256>.authenticationCode(
            for: Array("wg1.".utf8) + parts.payload, using: SymmetricKey(data: keyBytes))
        #expect(Array(reference) == parts.tag)
        _ = try GrantVerifier(keys: keys).verify(
            grant.token, expected: try Fixture.facts(to: ["bob@example.com"]), now: Fixture.now)
    }
}

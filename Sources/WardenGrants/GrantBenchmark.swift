import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Measures grant verification speed for `warden bench grants`. Not a test: numbers depend on the machine.
public enum GrantBenchmark {
    /// Verifies one realistic grant (3 recipients, content digest, agent binding) `iterations` times on the
    /// calling thread and returns verifications per second *of CPU time of that thread* — i.e. per core, and not
    /// skewed by other processes competing for the machine. Every verification must succeed, or this throws.
    public static func verifyThroughput(iterations: Int) throws -> Double {
        let key = GrantKey(keyID: "0f1e2d3c4b5a", key: SymmetricKey(size: .bits256))
        let keys = GrantKeySet(active: key)
        let normalizer = RecipientNormalizer()
        let recipients = [
            try normalizer.email("alice@example.com"), try normalizer.email("bob@example.org"),
            try normalizer.email("carol@partner.example"),
        ]
        let digest = ContentDigest.sha256(of: Array("Quarterly report attached.".utf8))
        let now = Date()
        let grant = try GrantMinter(keys: keys).mint(
            tenant: "acme", mintedBy: GrantOrigin(.approval, id: "apr_01J9Z3"), agent: "agent-finance",
            tool: "mail.send", recipients: recipients, contentDigest: digest, notBefore: now,
            expiresAt: now.addingTimeInterval(600))
        let facts = SendRequestFacts(
            tenant: "acme", tool: "mail.send", recipients: recipients, contentDigest: digest, agent: "agent-finance")
        let verifier = GrantVerifier(keys: keys)
        let nowSeconds = Int64(now.timeIntervalSince1970)
        var checksum: UInt64 = 0
        let start = threadCPUSeconds()
        for _ in 0..<max(iterations, 1) {
            checksum ^= try verifier.verify(grant.token, expected: facts, nowSeconds: nowSeconds).nonce.low
        }
        let seconds = threadCPUSeconds() - start
        guard checksum == (max(iterations, 1) % 2 == 1 ? grant.claims.nonce.low : 0) else {
            throw GrantRefusal.badSignature
        }
        return Double(max(iterations, 1)) / max(seconds, 1e-9)
    }

    /// CPU time consumed by the calling thread, in seconds.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

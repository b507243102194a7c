import Foundation

/// Records which grant nonces have been used, so each grant authorises one send.
///
/// Implementations must make ``consume(nonce:expiresAt:)`` atomic (two concurrent calls with one nonce: exactly
/// one gets `true`) and durable before it returns `true`.
public protocol NonceStore: Sendable {
    /// Marks `nonce` used. Returns true the first time, false ever after (until pruned, after `expiresAt`).
    func consume(nonce: GrantNonce, expiresAt: Date) async throws -> Bool
    /// Forgets nonces whose grant expired before `cutoff`; returns how many. Safe because the verifier refuses an
    /// expired grant before its nonce is looked at. Pass a cutoff with some margin behind the clock (e.g. an
    /// hour) so a clock stepped backwards cannot revive a pruned, not-yet-expired-again grant.
    @discardableResult
    func prune(before cutoff: Date) async throws -> Int
}

/// Verifies a grant, then consumes its nonce: the whole check the send path runs before sending.
///
/// Consume happens *before* the send, in its own durable transaction. If the process crashes after the consume
/// and before (or during) the send, the nonce is already recorded, so presenting the grant again is
/// ``GrantRefusal/replayed``: the failure mode is "at most once" (the send may be lost and needs a new grant),
/// never "twice". Consuming after the send would have the opposite, unsafe failure mode.
public struct GrantRedeemer: Sendable {
    private let verifier: GrantVerifier
    private let nonces: any NonceStore

    public init(verifier: GrantVerifier, nonces: any NonceStore) {
        self.verifier = verifier
        self.nonces = nonces
    }

    /// Returns the verified grant, having consumed it. Throws ``GrantRefusal`` when the send must not happen;
    /// any other error means the nonce store failed, and the send must not happen either.
    public func redeem(_ token: String?, for expected: SendRequestFacts, now: Date) async throws -> VerifiedGrant {
        guard let token, !token.isEmpty else { throw GrantRefusal.missing }
        let grant = try verifier.verify(token, expected: expected, now: now)
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(grant.expiresAtSeconds))
        guard try await nonces.consume(nonce: grant.nonce, expiresAt: expiresAt) else { throw GrantRefusal.replayed }
        return grant
    }
}

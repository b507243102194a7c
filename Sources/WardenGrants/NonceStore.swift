import Foundation

/// Records which grant nonces have been used, so each grant authorises one send.
///
/// Implementations must make ``consume(nonce:expiresAt:)`` atomic (two concurrent calls with one nonce: exactly
/// one gets `true`) and durable before it returns `true`.
public protocol NonceStore: Sendable {
    /// Marks `nonce` used. Returns true the first time, false ever after (until pruned, after `expiresAt`).
    func consume(nonce: GrantNonce, expiresAt: Date) async throws -> Bool
    /// Reserves `nonce` for one call until `until`: true the first time; false while it is reserved by another
    /// call or used. A reservation not committed by `until` lapses (a crashed call frees its grant).
    func reserve(nonce: GrantNonce, expiresAt: Date, until: Date) async throws -> Bool
    /// Turns this call's reservation (made with `until`) into use, after the decision is durable. False when
    /// the reservation had lapsed and another call holds the nonce now.
    func commit(nonce: GrantNonce, until: Date) async throws -> Bool
    /// Gives this call's reservation back (the call was refused later, or its decision could not be recorded).
    func release(nonce: GrantNonce, until: Date) async throws
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

    /// Verifies the grant and reserves its nonce for this call (two concurrent calls: one gets it). The caller
    /// commits the nonce once its decision is durable, or releases it; nothing is used up before that.
    public func reserve(
        _ token: String?, for expected: SendRequestFacts, now: Date, holdFor: TimeInterval = 120
    ) async throws -> (grant: VerifiedGrant, until: Date) {
        guard let token, !token.isEmpty else { throw GrantRefusal.missing }
        let grant = try verifier.verify(token, expected: expected, now: now)
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(grant.expiresAtSeconds))
        let until = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + holdFor).rounded(.up))
        guard try await nonces.reserve(nonce: grant.nonce, expiresAt: expiresAt, until: until) else {
            throw GrantRefusal.replayed
        }
        return (grant, until)
    }

    public func commit(_ grant: VerifiedGrant, until: Date) async throws -> Bool {
        try await nonces.commit(nonce: grant.nonce, until: until)
    }

    public func release(_ grant: VerifiedGrant, until: Date) async throws {
        try await nonces.release(nonce: grant.nonce, until: until)
    }
}

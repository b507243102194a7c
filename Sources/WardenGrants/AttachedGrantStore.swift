import Foundation

/// Grants attached to one exact action — the digest of tool and arguments — of one agent, by whoever minted
/// them (an approval of that action, or an admin), so the agent's repeated call needs no grant in `_meta` and
/// the agent never handles the token. The send path takes the grant out and redeems it like a presented one.
///
/// The agent is part of the key: another principal repeating the same arguments finds nothing (it can neither
/// use nor burn the approval).
public protocol AttachedGrantStore: Sendable {
    /// Attaches `token` to `agent`'s action with digest `actionDigest` until `expiresAt`.
    func attach(token: String, actionDigest: String, agent: String, expiresAt: Date) async throws
    /// Removes and returns the oldest unexpired grant attached to `agent`'s action, if any. A taken grant is gone
    /// even if redeeming it then fails, so one attachment authorises at most one attempt.
    func takeAttached(actionDigest: String, agent: String, now: Date) async throws -> String?
    /// Reserves the oldest available grant attached to `agent`'s action for one call; the call commits (removes)
    /// it once its decision is durable, or releases it. A reservation lapses after `holdFor` seconds.
    func reserveAttached(
        actionDigest: String, agent: String, now: Date, holdFor: TimeInterval
    ) async throws -> (id: Int64, token: String, until: Int64)?
    /// Removes a reserved attachment; false when this call's reservation had lapsed and another holds it.
    func commitAttached(id: Int64, until: Int64) async throws -> Bool
    func releaseAttached(id: Int64, until: Int64) async throws
    /// Removes every grant attached to `agent`'s action that no call holds (the approval behind it was withdrawn).
    func detach(actionDigest: String, agent: String) async throws
}

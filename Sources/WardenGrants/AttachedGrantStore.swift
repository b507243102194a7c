import Foundation

/// Grants attached to one exact action — the digest of tool and arguments — by whoever minted them (an approval
/// of that action, or an admin), so the agent's repeated call needs no grant in `_meta` and the agent never
/// handles the token. The send path takes the grant out and redeems it like a presented one.
public protocol AttachedGrantStore: Sendable {
    /// Attaches `token` to the action with digest `actionDigest` until `expiresAt`.
    func attach(token: String, actionDigest: String, expiresAt: Date) async throws
    /// Removes and returns the oldest unexpired grant attached to the action, if any. A taken grant is gone even
    /// if redeeming it then fails, so one attachment authorises at most one attempt.
    func takeAttached(actionDigest: String, now: Date) async throws -> String?
}

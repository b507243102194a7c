import Foundation

/// What `warden grant inspect TOKEN` shows: the claims as the token states them, and whether the token verifies
/// in this cell right now (structure, key, tag, time window).
public struct GrantInspection: Sendable {
    /// The claims, if the token is structurally valid. Unverified unless ``refusal`` is nil.
    public let claims: GrantClaims?
    /// nil when the token verifies now; otherwise why it does not.
    public let refusal: GrantRefusal?

    public var verifies: Bool { claims != nil && refusal == nil }
}

extension GrantVerifier {
    /// Inspects a token without a send to check it against: the recipient, tool, tenant and digest checks are
    /// run against the token's own claims, so only structure, key, tag and time can fail.
    public func inspect(_ token: String, now: Date) -> GrantInspection {
        let claims: GrantClaims
        do {
            claims = try GrantToken.decodeUnverified(token)
        } catch {
            return GrantInspection(claims: nil, refusal: error)
        }
        let facts = SendRequestFacts(
            tenant: claims.tenant, tool: claims.tool, recipients: claims.recipients,
            contentDigest: claims.contentDigest, agent: claims.agent)
        do {
            _ = try verify(token, expected: facts, now: now)
            return GrantInspection(claims: claims, refusal: nil)
        } catch {
            return GrantInspection(claims: claims, refusal: error)
        }
    }
}

import Foundation

/// Mints `wg1` grants with the provider's active key. Only three callers should hold a minter: the approval
/// flow (after a human approves that exact action), a policy rule that explicitly auto-grants, and the admin
/// CLI; the ``GrantOrigin`` records which one.
public struct GrantMinter: Sendable {
    /// Default upper bound on a grant's lifetime (24 hours): grants are for one action, soon.
    public static let defaultMaximumLifetimeSeconds: Int64 = 86_400

    private let keys: any GrantKeyProvider
    private let maximumLifetimeSeconds: Int64

    public init(keys: any GrantKeyProvider, maximumLifetimeSeconds: Int64 = defaultMaximumLifetimeSeconds) {
        self.keys = keys
        self.maximumLifetimeSeconds = maximumLifetimeSeconds
    }

    /// Mints a grant for `tool` to send to exactly `recipients` (normalised values; duplicates are dropped).
    /// Times are truncated to whole seconds; the grant is valid for `notBefore <= now < expiresAt`.
    public func mint(
        tenant: String, mintedBy: GrantOrigin, agent: String? = nil, tool: String, recipients: [Recipient],
        contentDigest: ContentDigest? = nil, notBefore: Date, expiresAt: Date, nonce: GrantNonce = .random()
    ) throws(GrantMintError) -> MintedGrant {
        let key = keys.activeGrantKey()
        let unique = Recipient.canonicalSet(recipients)
        try Self.check(tenant, "tenant", limit: GrantPayload.tenantLimit)
        try Self.check(key.keyID, "key id", limit: GrantPayload.keyIDLimit)
        try Self.check(mintedBy.id, "minted-by id", limit: GrantPayload.identifierLimit)
        if let agent { try Self.check(agent, "agent", limit: GrantPayload.identifierLimit) }
        try Self.check(tool, "tool", limit: GrantPayload.identifierLimit)
        guard !unique.isEmpty else { throw .noRecipients }
        guard unique.count <= GrantPayload.recipientCountLimit else {
            throw .tooManyRecipients(maximum: GrantPayload.recipientCountLimit)
        }
        for recipient in unique { try Self.check(recipient.canonical, "recipient", limit: GrantPayload.recipientLimit) }
        let start = Int64(notBefore.timeIntervalSince1970.rounded(.down))
        let end = Int64(expiresAt.timeIntervalSince1970.rounded(.down))
        guard end > start else { throw .expiryNotAfterNotBefore }
        guard end - start <= maximumLifetimeSeconds else {
            throw .lifetimeTooLong(maximumSeconds: maximumLifetimeSeconds)
        }

        let claims = GrantClaims(
            tenant: tenant, keyID: key.keyID, mintedBy: mintedBy, agent: agent, tool: tool, recipients: unique,
            contentDigest: contentDigest, notBeforeSeconds: start, expiresAtSeconds: end, nonce: nonce)
        let payload = GrantPayload.encode(claims)
        let tag = (GrantToken.prefixBytes + payload).withUnsafeBytes { key.tag($0) }
        let token = GrantToken.prefix + Base64URL.encode(payload) + "." + Base64URL.encode(Array(tag))
        return MintedGrant(token: token, claims: claims)
    }

    private static func check(_ value: String, _ field: String, limit: Int) throws(GrantMintError) {
        guard !value.isEmpty else { throw .emptyField(field) }
        guard value.utf8.count <= limit else { throw .fieldTooLong(field, maximumBytes: limit) }
    }
}

/// A freshly minted grant: the token to hand over and the claims it carries.
public struct MintedGrant: Sendable {
    public let token: String
    public let claims: GrantClaims
}

/// Why a grant could not be minted.
public enum GrantMintError: Error, Hashable, Sendable, CustomStringConvertible {
    case noRecipients
    case tooManyRecipients(maximum: Int)
    case emptyField(String)
    case fieldTooLong(String, maximumBytes: Int)
    case expiryNotAfterNotBefore
    case lifetimeTooLong(maximumSeconds: Int64)

    public var description: String {
        switch self {
        case .noRecipients: "a grant must name at least one recipient"
        case .tooManyRecipients(let maximum): "a grant may name at most \(maximum) recipients"
        case .emptyField(let field): "grant \(field) must not be empty"
        case .fieldTooLong(let field, let maximum): "grant \(field) must be at most \(maximum) bytes"
        case .expiryNotAfterNotBefore: "grant expiry must be after its not-before time"
        case .lifetimeTooLong(let maximum): "grant lifetime must be at most \(maximum) seconds"
        }
    }
}

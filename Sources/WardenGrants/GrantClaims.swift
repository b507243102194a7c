import Foundation

/// Who minted a grant. Recorded in the grant so the ledger and `warden grant inspect` show why a send was allowed.
public struct GrantOrigin: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// A human approved this exact action; `id` is the approval id.
        case approval = 1
        /// A policy rule auto-grants it (e.g. recipients in the tenant's trusted directory); `id` is the rule id.
        case policy = 2
        /// An administrator minted it (`warden grant mint`); `id` is the admin's principal.
        case admin = 3

        public var label: String {
            switch self {
            case .approval: "approval"
            case .policy: "policy"
            case .admin: "admin"
            }
        }
    }

    public let kind: Kind
    public let id: String

    public init(_ kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(kind.label):\(id)" }
}

/// Everything a grant asserts. Recipients are canonical, sorted by their UTF-8 bytes and unique.
public struct GrantClaims: Hashable, Sendable {
    public let tenant: String
    public let keyID: String
    public let mintedBy: GrantOrigin
    /// When set, only this agent may use the grant.
    public let agent: String?
    public let tool: String
    public let recipients: [Recipient]
    /// When set, the send must carry content with this digest.
    public let contentDigest: ContentDigest?
    /// Unix seconds; the grant is valid from this instant (inclusive).
    public let notBeforeSeconds: Int64
    /// Unix seconds; the grant is invalid from this instant on.
    public let expiresAtSeconds: Int64
    public let nonce: GrantNonce

    public var notBefore: Date { Date(timeIntervalSince1970: TimeInterval(notBeforeSeconds)) }
    public var expiresAt: Date { Date(timeIntervalSince1970: TimeInterval(expiresAtSeconds)) }
}

import Foundation
import WardenCore
import WardenGrants

/// The one place a person's decision is taken, whoever takes it (CLI, demo, inbox): so they cannot disagree.
///
/// Deciding checks the request (pending, unexpired, not the agent's own, its action readable); approving a
/// held send also mints a grant for exactly its recipients and content (minted by this approval) and attaches
/// it to the agent's identical call, so the agent never handles the token.
public struct ApprovalService: Sendable {
    public let store: ApprovalStore
    let tenant: String
    let minter: GrantMinter
    let attached: any AttachedGrantStore

    public init(configuration: CellConfiguration, keys: CellKeys) throws {
        try self.init(
            store: ApprovalStore(dataDirectory: configuration.dataDirectory, keys: keys), tenant: configuration.tenant,
            keys: keys, attached: SQLiteNonceStore(path: configuration.layout.grants))
    }

    /// Over stores the caller already opened (the running cell's own, so one database has one pool).
    public init(store: ApprovalStore, tenant: String, keys: CellKeys, attached: any AttachedGrantStore) {
        self.store = store
        self.tenant = tenant
        self.minter = GrantMinter(keys: keys.grantKeys)
        self.attached = attached
    }

    public func decide(
        id: String, approver: String, approve: Bool, reason: String? = nil, now: Date = Date()
    ) async throws -> ApprovalRequest {
        let decided = try await store.decide(id: id, approver: approver, approve: approve, reason: reason, now: now)
        if approve, let send = decided.send {
            let minted = try minter.mint(
                tenant: tenant, mintedBy: GrantOrigin(.approval, id: decided.id), agent: decided.agent,
                tool: decided.tool, recipients: try send.recipients.map { try Recipient(canonical: $0) },
                contentDigest: ContentDigest(hex: send.contentDigest), notBefore: now, expiresAt: decided.expiresAt)
            try await attached.attach(
                token: minted.token, actionDigest: decided.actionDigest, agent: decided.agent,
                expiresAt: decided.expiresAt)
        }
        return decided
    }
}

/// How a held action is shown to a person: every argument, in a form two different actions cannot share.
///
/// The canonical JSON (RFC 8785) with every character outside printable ASCII escaped as `\uXXXX`, so look-alike
/// letters, invisible characters and bidirectional overrides an agent might plant are visible as what they are.
public enum ApprovalDisplay {
    public static func text(_ value: JSONValue) -> String {
        escaped(CanonicalJSON.string(value))
    }

    /// `text` with every character outside printable ASCII as `\uXXXX` (for any foreign text shown to a person,
    /// so terminal escape sequences and look-alikes cannot disguise it).
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                out.unicodeScalars.append(scalar)
            } else {
                for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
            }
        }
        return out
    }

    /// One line per argument (`name = value`), values in display form, cut at `width` characters when given.
    public static func argumentLines(_ action: JSONValue, width: Int? = nil) -> [String] {
        guard case .object(let arguments)? = action["arguments"] else { return [] }
        return arguments.keys.sorted().map { name in
            let value = text(arguments[name] ?? .null)
            guard let width, value.count > width else { return "\(text(.string(name))) = \(value)" }
            return "\(text(.string(name))) = \(value.prefix(width))… (\(value.count) characters)"
        }
    }
}

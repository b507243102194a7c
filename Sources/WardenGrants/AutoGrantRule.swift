/// The recipients a tenant trusts enough that a send to them needs no human: exact recipients (from
/// configuration or the tenant's directory file) and whole email domains.
///
/// Domains match exactly: `partner.example` covers `ap@partner.example`, not `ap@mail.partner.example`, so
/// trusting a domain never silently trusts what a third party can register beneath it.
public struct TrustedRecipients: Sendable, Hashable {
    public private(set) var exact: Set<Recipient>
    /// Canonical (lower-case, IDNA) email domains.
    public private(set) var emailDomains: Set<String>

    public init(exact: Set<Recipient> = [], emailDomains: Set<String> = []) {
        self.exact = exact
        self.emailDomains = emailDomains
    }

    public var isEmpty: Bool { exact.isEmpty && emailDomains.isEmpty }

    /// Whether `recipient` is trusted: listed exactly, or an email address in a trusted domain.
    public func contains(_ recipient: Recipient) -> Bool {
        if exact.contains(recipient) { return true }
        guard recipient.kind == .email, let at = recipient.canonical.lastIndex(of: "@") else { return false }
        return emailDomains.contains(String(recipient.canonical[recipient.canonical.index(after: at)...]))
    }

    /// Normalises an email domain the way recipients' domains are normalised (IDNA, lower case).
    public static func canonicalEmailDomain(_ domain: String, normalizer: RecipientNormalizer) throws(RecipientError)
        -> String
    {
        let recipient = try normalizer.email("postmaster@" + domain)
        return String(recipient.canonical.dropFirst("mailto:postmaster@".count))
    }
}

/// An explicit policy rule under which the gateway mints a send grant itself, with `minted-by = policy:<id>`.
///
/// A rule covers a send only when every condition holds: the tool is one it names, the agent holds one of its
/// roles (when it names any), the send has at most `maximumRecipients`, and *every* recipient is trusted. One
/// recipient outside the trusted set and the rule does not apply; the send then needs a grant like any other.
public struct AutoGrantRule: Sendable, Hashable {
    /// Shown in the grant's `minted-by` and in the ledger.
    public let id: String
    /// Qualified tool names (`server.tool`) the rule may mint for.
    public let tools: Set<String>
    /// Agent roles the rule applies to; empty means any agent the tool policy already allowed.
    public let roles: Set<String>
    public let recipients: TrustedRecipients
    public let maximumRecipients: Int

    public static let defaultMaximumRecipients = 10

    public init(
        id: String, tools: Set<String>, roles: Set<String> = [], recipients: TrustedRecipients,
        maximumRecipients: Int = defaultMaximumRecipients
    ) {
        self.id = id
        self.tools = tools
        self.roles = roles
        self.recipients = recipients
        self.maximumRecipients = maximumRecipients
    }

    /// Whether this rule covers the send. Pure: the caller supplies the send as the gateway read it from the
    /// call's own arguments, and the agent's roles as verified from its token.
    public func covers(_ send: SendRequestFacts, agentRoles: Set<String>) -> Bool {
        guard tools.contains(send.tool) else { return false }
        guard roles.isEmpty || !roles.isDisjoint(with: agentRoles) else { return false }
        guard !send.recipients.isEmpty, send.recipients.count <= maximumRecipients else { return false }
        return send.recipients.allSatisfy(recipients.contains)
    }

    /// The first rule, in configuration order, that covers the send.
    public static func firstCovering(
        _ send: SendRequestFacts, agentRoles: Set<String>, in rules: [AutoGrantRule]
    ) -> AutoGrantRule? {
        rules.first { $0.covers(send, agentRoles: agentRoles) }
    }
}

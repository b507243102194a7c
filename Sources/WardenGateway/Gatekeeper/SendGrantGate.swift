import Foundation
import WardenCore
import WardenGrants

/// The send path's own check: a `send` tool runs only with a grant minted for this exact send.
///
/// The recipients are read from the call's arguments (every field configuration names for the tool), never
/// from anything the agent says about them; each is normalised, and every one must be in the grant. The
/// grant's nonce is consumed before the call goes upstream, so a crash after this point loses the send
/// rather than allowing a second one. The content digest is the SHA-256 of the arguments' canonical JSON.
///
/// A call that presents no grant takes the grant attached to its exact action (tool + arguments digest), if an
/// approval or an admin attached one; otherwise it may still be covered by an explicit auto-grant rule (trusted recipients):
/// the gate then mints a grant for exactly this send (`minted-by = policy:<rule id>`, bound to the agent and
/// the content digest, valid for a minute) and redeems it through the same path, so single use and the
/// ledger trail are the same as for any other grant. A presented grant is never replaced by a rule: if it
/// fails, the send fails.
public struct SendGrantGate: ToolCallGate {
    /// Where an agent presents a grant on `tools/call`: `params._meta["warden/grant"]`.
    public static let metaKey = "warden/grant"
    /// Lifetime of a grant minted by an auto-grant rule: it is redeemed at once, so a minute is ample.
    static let autoGrantLifetimeSeconds: TimeInterval = 60

    let tenant: String
    let redeemer: GrantRedeemer
    let normalizer: RecipientNormalizer
    let autoGrants: [AutoGrantRule]
    let minter: GrantMinter?
    let attached: (any AttachedGrantStore)?
    let approvals: ApprovalStore?

    public init(
        tenant: String, redeemer: GrantRedeemer, normalizer: RecipientNormalizer = RecipientNormalizer(),
        attached: (any AttachedGrantStore)? = nil, autoGrants: [AutoGrantRule] = [], minter: GrantMinter? = nil,
        approvals: ApprovalStore? = nil
    ) {
        self.approvals = approvals
        self.tenant = tenant
        self.redeemer = redeemer
        self.normalizer = normalizer
        self.attached = attached
        self.autoGrants = minter == nil ? [] : autoGrants
        self.minter = minter
    }

    public func check(_ call: ToolCallRequest) async -> Decision {
        guard call.entry.effect == .send else { return .allow(reasons: []) }
        let facts: SendRequestFacts
        switch Self.facts(for: call, tenant: tenant, normalizer: normalizer) {
        case .failure(let refusal): return .deny(refusal)
        case .success(let built): facts = built
        }
        let now = Date()
        var token = call.meta[Self.metaKey]?.stringValue
        var reasons = ["grant.verified"]
        if call.meta[Self.metaKey] == nil, let attached {
            do {
                if let found = try await attached.takeAttached(
                    actionDigest: call.actionDigest, agent: call.principal.subject, now: now)
                {
                    token = found
                    reasons = ["grant.attached", "grant.verified"]
                }
            } catch {
                return .deny(
                    Refusal(
                        rule: "grant.store-unavailable", message: "the grant could not be redeemed; nothing was sent"))
            }
        }
        if token == nil, call.meta[Self.metaKey] == nil, let minter,
            let rule = AutoGrantRule.firstCovering(facts, agentRoles: call.principal.roles, in: autoGrants)
        {
            do {
                token =
                    try minter.mint(
                        tenant: tenant, mintedBy: GrantOrigin(.policy, id: rule.id), agent: facts.agent,
                        tool: facts.tool, recipients: facts.recipients, contentDigest: facts.contentDigest,
                        notBefore: now, expiresAt: now.addingTimeInterval(Self.autoGrantLifetimeSeconds)
                    ).token
                reasons = ["grant.minted-by:policy:\(rule.id)", "grant.verified"]
            } catch {
                return .deny(Refusal(rule: "grant.auto-mint-failed", message: "rule '\(rule.id)': \(error)"))
            }
        }
        if token == nil, call.meta[Self.metaKey] == nil, let approvals {
            // Nothing covers this send: it waits for a person, whose approval mints a grant for exactly these
            // recipients and this content and attaches it to this agent's identical call.
            let held = HeldSend(
                recipients: facts.recipients.map(\.canonical), contentDigest: facts.contentDigest?.description ?? "")
            do {
                let request = try await approvals.hold(
                    actionDigest: call.actionDigest, agent: call.principal.subject, tool: facts.tool, send: held,
                    now: now)
                return .deny(
                    Refusal(
                        rule: GrantRefusal.missing.code,
                        message: "no grant covers this send; held for a human approval as \(request.id)"))
            } catch {
                return .deny(
                    Refusal(rule: GrantRefusal.missing.code, message: "no grant covers this send (not held: \(error))"))
            }
        }
        do {
            let grant = try await redeemer.redeem(token, for: facts, now: now)
            let origin = "grant.minted-by:\(grant.claims.mintedBy)"
            if !reasons.contains(origin) { reasons.insert(origin, at: reasons.count - 1) }
            return .allow(reasons: reasons)
        } catch let refusal as GrantRefusal {
            return .deny(Refusal(rule: refusal.code, message: refusal.description))
        } catch {
            return .deny(
                Refusal(rule: "grant.store-unavailable", message: "the grant could not be redeemed; nothing was sent"))
        }
    }

    /// The send as the grant must cover it: normalised recipients from the configured fields, and the digest.
    public static func facts(
        for call: ToolCallRequest,
        tenant: String,
        normalizer: RecipientNormalizer
    ) -> Result<SendRequestFacts, Refusal> {
        guard !call.entry.recipientFields.isEmpty else {
            return .failure(
                Refusal(rule: "grant.recipients-undeclared", message: "this send tool declares no recipient arguments")
            )
        }
        var recipients: [Recipient] = []
        for (field, kind) in call.entry.recipientFields.sorted(by: { $0.key < $1.key }) {
            let values: [JSONValue]
            switch call.arguments[field] {
            case nil, .null?: values = []
            case .string(let single)?: values = [.string(single)]
            case .array(let many)?: values = many
            default:
                return .failure(
                    Refusal(rule: "grant.recipient-malformed", message: "argument '\(field)' is not an address"))
            }
            for value in values {
                guard let raw = value.stringValue else {
                    return .failure(
                        Refusal(rule: "grant.recipient-malformed", message: "argument '\(field)' is not an address"))
                }
                do {
                    switch kind {
                    case .email: recipients.append(try normalizer.email(raw))
                    case .webhook: recipients.append(try normalizer.webhook(raw))
                    case .channel: recipients.append(try normalizer.channel(raw))
                    }
                } catch {
                    return .failure(
                        Refusal(rule: "grant.recipient-malformed", message: "argument '\(field)': \(error)"))
                }
            }
        }
        guard !recipients.isEmpty else {
            return .failure(Refusal(rule: "grant.no-recipients", message: "the send names no recipient"))
        }
        let digest = ContentDigest.sha256(of: CanonicalJSON.encode(.object(call.arguments)))
        return .success(
            SendRequestFacts(
                tenant: tenant,
                tool: call.entry.name.description,
                recipients: recipients,
                contentDigest: digest,
                agent: call.principal.subject
            )
        )
    }
}

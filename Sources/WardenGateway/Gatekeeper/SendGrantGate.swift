import Foundation
import WardenCore
import WardenGrants

/// The send path's own check: a `send` tool runs only with a grant minted for this exact send.
///
/// The recipients are read from the call's arguments (every field configuration names for the tool), never
/// from anything the agent says about them; each is normalised, and every one must be in the grant. The
/// grant's nonce is reserved here and used by the pipeline once the decision is durable, before the call goes
/// upstream: a crash after that point loses the send rather than allowing a second one, and a ledger failure
/// before it leaves the grant usable. The content digest is the SHA-256 of the arguments' canonical JSON.
///
/// A call that presents no grant takes the grant attached to its exact action (tool + arguments digest), if an
/// approval or an admin attached one; otherwise it may still be covered by an explicit auto-grant rule (trusted recipients):
/// the gate then mints a grant for exactly this send (`minted-by = policy:<rule id>`, bound to the agent and
/// the content digest, valid for a minute) and redeems it through the same path, so single use and the
/// ledger trail are the same as for any other grant. A presented grant is never replaced by a rule: if it
/// fails, the send fails.
/// A verdict that ends the search for a grant (a refusal or a hold), carried through `Result`.
struct VerdictFailure: Error {
    var verdict: CheckVerdict
    init(_ verdict: CheckVerdict) { self.verdict = verdict }
}

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
    let approvalLedger: ApprovalLedger?

    public init(
        tenant: String, redeemer: GrantRedeemer, normalizer: RecipientNormalizer = RecipientNormalizer(),
        attached: (any AttachedGrantStore)? = nil, autoGrants: [AutoGrantRule] = [], minter: GrantMinter? = nil,
        approvals: ApprovalStore? = nil, approvalLedger: ApprovalLedger? = nil
    ) {
        self.approvals = approvals
        self.approvalLedger = approvalLedger
        self.tenant = tenant
        self.redeemer = redeemer
        self.normalizer = normalizer
        self.attached = attached
        self.autoGrants = minter == nil ? [] : autoGrants
        self.minter = minter
    }

    public func check(_ call: ToolCallRequest) async -> CheckVerdict {
        guard call.entry.effect == .send else { return .notApplicable }
        let facts: SendRequestFacts
        switch Self.facts(for: call, tenant: tenant, normalizer: normalizer) {
        case .failure(let refusal): return .refuse(refusal)
        case .success(let built): facts = built
        }
        let now = Date()
        let token: String?
        var evidence: [String] = []
        var reservations: [Reservation] = []
        if let presented = call.meta[Self.metaKey] {
            // A presented grant is the only one considered; a non-string value is no grant.
            token = presented.stringValue
        } else {
            switch await unpresentedGrant(for: call, facts: facts, now: now) {
            case .failure(let failure): return failure.verdict
            case .success(let found):
                token = found.token
                evidence = found.evidence
                reservations = found.reservations
            }
        }
        do {
            // The nonce is only reserved here: it is used once the decision to send is durable.
            let (grant, until) = try await redeemer.reserve(token, for: facts, now: now)
            let redeemer = self.redeemer
            reservations.append(
                Reservation(
                    name: "grant.nonce",
                    commit: { try await redeemer.commit(grant, until: until) },
                    release: { try? await redeemer.release(grant, until: until) }))
            // A grant a person minted (an approval of this send, or an admin) confirms what it binds: the recipients,
            // and the content only when it carries the content's digest.
            let flagged = Set(call.containment?.untrustedArguments ?? [])
            let confirmed =
                grant.claims.mintedBy.kind != .policy
                && (grant.claims.contentDigest != nil || flagged.isSubset(of: call.entry.recipientFields.keys))
            return .pass(
                evidence: evidence + ["grant.minted-by:\(grant.claims.mintedBy)", "grant.verified"],
                reservations: reservations, byHuman: confirmed)
        } catch let refusal as GrantRefusal {
            // An attached grant that does not verify never will (used, expired, invalid): it is removed rather
            // than put back, so the agent's identical call is held for a person again instead of failing forever.
            for reservation in reservations { _ = await reservation.commit() }
            return .refuse(Refusal(rule: refusal.code, message: refusal.description))
        } catch {
            await reservations.releaseAll()
            return .refuse(Self.storeUnavailable)
        }
    }

    static let storeUnavailable = Refusal(
        rule: "grant.store-unavailable", message: "the grant could not be redeemed; nothing was sent")

    struct FoundGrant {
        var token: String
        var evidence: [String]
        var reservations: [Reservation]
    }

    /// A call without a `_meta` grant, in order: the grant attached to this agent's exact action, a grant an
    /// auto-grant rule mints, or — nothing covering it — a hold for a person (or a person's earlier denial).
    private func unpresentedGrant(
        for call: ToolCallRequest, facts: SendRequestFacts, now: Date
    ) async -> Result<FoundGrant, VerdictFailure> {
        if let attached {
            do {
                // An approval's grant is used only once its decision is in the ledger.
                try await approvalLedger?.recordDecisions()
                if let found = try await attached.reserveAttached(
                    actionDigest: call.actionDigest, agent: call.principal.subject, now: now, holdFor: 120)
                {
                    let release = Reservation(
                        name: "grant.attached",
                        commit: { try await attached.commitAttached(id: found.id, until: found.until) },
                        release: { try? await attached.releaseAttached(id: found.id, until: found.until) })
                    return .success(
                        FoundGrant(token: found.token, evidence: ["grant.attached"], reservations: [release]))
                }
            } catch {
                return .failure(VerdictFailure(.refuse(Self.storeUnavailable)))
            }
        }
        // A rule never stands in for the person containment asked for.
        if call.humanRequired == nil, let minter,
            let rule = AutoGrantRule.firstCovering(facts, agentRoles: call.principal.roles, in: autoGrants)
        {
            do {
                let minted = try minter.mint(
                    tenant: tenant, mintedBy: GrantOrigin(.policy, id: rule.id), agent: facts.agent,
                    tool: facts.tool, recipients: facts.recipients, contentDigest: facts.contentDigest,
                    notBefore: now, expiresAt: now.addingTimeInterval(Self.autoGrantLifetimeSeconds))
                return .success(FoundGrant(token: minted.token, evidence: [], reservations: []))
            } catch {
                return .failure(
                    VerdictFailure(
                        .refuse(Refusal(rule: "grant.auto-mint-failed", message: "rule '\(rule.id)' could not mint"))))
            }
        }
        guard let approvals else {
            return .failure(
                VerdictFailure(
                    .refuse(Refusal(rule: GrantRefusal.missing.code, message: GrantRefusal.missing.description))))
        }
        // Nothing covers this send: it waits for a person, whose approval mints a grant for exactly these
        // recipients and this content and attaches it to this agent's identical call.
        let held = HeldSend(
            recipients: facts.recipients.map(\.canonical), contentDigest: facts.contentDigest?.description ?? "")
        do {
            if let denied = try await approvals.denied(
                actionDigest: call.actionDigest, agent: call.principal.subject, now: now)
            {
                return .failure(VerdictFailure(.refuse(ApprovalGate.denial(denied))))
            }
            let raised = try await approvals.hold(
                actionDigest: call.actionDigest, agent: call.principal.subject, tool: facts.tool,
                arguments: call.arguments, send: held, provenance: call.containment?.explanation ?? [],
                reasons: call.humanRequired.map { [$0.message] } ?? [], now: now)
            if raised.isNew { try await approvalLedger?.recordDecisions() }
            let refusal =
                call.humanRequired.map {
                    Refusal(
                        rule: $0.rule, message: $0.message + "; held for a human approval as \(raised.request.id)",
                        approvalRequest: raised.request.id)
                }
                ?? Refusal(
                    rule: GrantRefusal.missing.code,
                    message: "no grant covers this send; held for a human approval as \(raised.request.id)",
                    approvalRequest: raised.request.id)
            return .failure(VerdictFailure(.hold(refusal)))
        } catch {
            // No grant covers the send and it could not be held for a person: refused, naming why it was not held.
            return .failure(
                VerdictFailure(.refuse(ApprovalError.holdRefusal(error, nothingDone: "no grant covers this send"))))
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

import Foundation
import WardenCore

/// The human approval gate for `spend`: a spend call runs only with a person's approval of that exact action.
///
/// The first call is held (an `ApprovalRequest` carrying the full, sealed action is created, or the pending one
/// found) and refused with `approval.required`, naming the request id; a person approves it (never the agent
/// itself) after seeing the whole action; the agent then repeats the identical call, which uses the approval
/// once. A denial is returned to the agent with the approver's reason (`approval.denied`). Different arguments
/// are a different action and need their own approval. If the store or the ledger fails, the call is refused.
public struct ApprovalGate: ToolCallGate {
    let store: ApprovalStore
    let ledger: ApprovalLedger
    let effects: Set<EffectClass>
    /// Whether sends are approved here too (where no send grant gate holds them, as in the injection bench).
    let holdsSends: Bool

    public init(
        store: ApprovalStore, ledger: ApprovalLedger, effects: Set<EffectClass> = [.spend], holdsSends: Bool = false
    ) {
        self.store = store
        self.ledger = ledger
        self.effects = effects
        self.holdsSends = holdsSends
    }

    public func check(_ call: ToolCallRequest) async -> CheckVerdict {
        guard let effect = call.entry.effect else {
            // The catalog refuses unclassified tools first; if one ever got here, it does not pass.
            return .refuse(Refusal(rule: "catalog.unclassified", message: "this tool has no effect class"))
        }
        // Sends are approved through the send grant's hold (an approval mints the grant), never here.
        guard holdsSends || effect != .send, effects.contains(effect) || call.humanRequired != nil else {
            return .notApplicable
        }
        let now = Date()
        let digest = call.actionDigest
        let agent = call.principal.subject
        do {
            // Every decision is in the ledger before the action it allows can run.
            try await ledger.recordDecisions()
            if let approved = try await store.reserveApproved(actionDigest: digest, agent: agent, now: now) {
                let store = self.store
                let id = approved.request.id
                return .pass(
                    evidence: ["approval.used:\(id)", "approval.approver:\(approved.request.approver ?? "?")"],
                    reservations: [
                        Reservation(
                            name: "approval",
                            commit: { try await store.commitApproved(id: id, until: approved.until) },
                            release: { try? await store.releaseApproved(id: id, until: approved.until) })
                    ], byHuman: true)
            }
            if let denied = try await store.denied(actionDigest: digest, agent: agent, now: now) {
                return .refuse(Self.denial(denied))
            }
            let held = try await store.hold(
                actionDigest: digest, agent: agent, tool: call.entry.name.description, arguments: call.arguments,
                provenance: call.containment?.explanation ?? [], reasons: call.humanRequired.map { [$0.message] } ?? [],
                now: now)
            if held.isNew { try await ledger.recordDecisions() }
            let why = call.humanRequired.map { $0.message + "; " } ?? ""
            return .hold(
                Refusal(
                    rule: call.humanRequired?.rule ?? "approval.required",
                    message:
                        why + "held for a human approval as \(held.request.id); repeat this exact call once it is "
                        + "approved", approvalRequest: held.request.id))
        } catch {
            return .refuse(ApprovalError.holdRefusal(error, nothingDone: "nothing was done"))
        }
    }

    /// What the agent is told about a person's denial: the request id and the approver's reason.
    static func denial(_ request: ApprovalRequest) -> Refusal {
        Refusal(
            rule: "approval.denied",
            message: "denied by a person (\(request.id))" + (request.reason.map { ": \($0)" } ?? ""))
    }
}

/// Records approval requests and decisions in the ledger. Decisions are taken by people outside the cell
/// (CLI, inbox), so the cell records each one it finds — periodically, and always before an approval is used —
/// and marks it recorded only once the entry is durable.
public struct ApprovalLedger: Sendable {
    let store: ApprovalStore
    let audit: any AuditSink

    public init(store: ApprovalStore, audit: any AuditSink) {
        self.store = store
        self.audit = audit
    }

    /// Records every request and decision not yet in the ledger (requests first), marking each once durable.
    public func recordDecisions() async throws {
        for request in try await store.unrecordedRequests() {
            try await recordRequest(request)
            try await store.markRequestRecorded(id: request.id)
        }
        try await recordDecided()
    }

    func recordRequest(_ request: ApprovalRequest) async throws {
        try await audit.record(.approvalRequested(request))
    }

    func recordDecided() async throws {
        for decided in try await store.unrecordedDecisions() {
            try await audit.record(.approvalDecided(decided))
            try await store.markDecisionRecorded(id: decided.id)
        }
    }
}

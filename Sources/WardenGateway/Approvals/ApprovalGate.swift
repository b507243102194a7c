import Foundation
import WardenCore

/// The human approval gate for `spend`: a spend call runs only with a person's approval of that exact action.
///
/// The first call is held (an `ApprovalRequest` is created, or the pending one found) and refused with
/// `approval.required`, naming the request id; a person approves it (`warden approvals approve ID`, never the
/// agent itself); the agent then repeats the identical call, which uses the approval once. Different
/// arguments are a different action and need their own approval. If the store fails, the call is refused.
public struct ApprovalGate: ToolCallGate {
    let store: ApprovalStore
    let effects: Set<EffectClass>

    public init(store: ApprovalStore, effects: Set<EffectClass> = [.spend]) {
        self.store = store
        self.effects = effects
    }

    public func check(_ call: ToolCallRequest) async -> Decision {
        guard let effect = call.entry.effect else {
            // The catalog refuses unclassified tools first; if one ever got here, it does not pass.
            return .deny(Refusal(rule: "catalog.unclassified", message: "this tool has no effect class"))
        }
        guard effects.contains(effect) else { return .allow(reasons: []) }
        let now = Date()
        let digest = call.actionDigest
        let agent = call.principal.subject
        do {
            if let used = try await store.takeApproved(actionDigest: digest, agent: agent, now: now) {
                return .allow(reasons: ["approval.used:\(used.id)", "approval.approver:\(used.approver ?? "?")"])
            }
            let held = try await store.hold(
                actionDigest: digest, agent: agent, tool: call.entry.name.description, now: now)
            return .deny(
                Refusal(
                    rule: "approval.required",
                    message:
                        "held for a human approval as \(held.id); repeat this exact call once it is approved"))
        } catch {
            return .deny(
                Refusal(
                    rule: "approval.store-unavailable", message: "the approval could not be checked; nothing was done"))
        }
    }
}

import Foundation
import WardenCore

/// What the templates show of requests and runs: strings only, every agent-written one in display form
/// (`ApprovalDisplay`), so nothing on a page can disguise itself.
enum InboxViews {
    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return formatter.string(from: date) + " UTC"
    }

    static func summary(_ request: ApprovalRequest) -> [String: Any] {
        var view: [String: Any] = [
            "id": request.id, "tool": ApprovalDisplay.escaped(request.tool),
            "agent": ApprovalDisplay.escaped(request.agent), "state": request.state.rawValue,
            "words": ActionInWords.describe(tool: request.tool, action: request.action),
            "created": time(request.createdAt), "expires": time(request.expiresAt),
        ]
        if let action = request.action {
            if case .array(let recipients)? = action["recipients"], !recipients.isEmpty {
                view["recipients"] = recipients.map { ApprovalDisplay.text($0) }.joined(separator: ", ")
            }
            if let amount = action["arguments"]?["amount"] { view["amount"] = ApprovalDisplay.text(amount) }
            if case .array(let lines)? = action["provenance"], !lines.isEmpty { view["contained"] = true }
        }
        if let approver = request.approver { view["approver"] = ApprovalDisplay.escaped(approver) }
        if let decided = request.decidedAt { view["decidedAt"] = time(decided) }
        if let reason = request.reason, !reason.isEmpty { view["reason"] = ApprovalDisplay.escaped(reason) }
        return view
    }

    /// The detail page: every argument, the canonical action and its digest, provenance and policy reasons.
    static func detail(_ request: ApprovalRequest, now: Date) -> [String: Any] {
        var view = summary(request)
        view["digest"] = request.actionDigest
        view["decided"] = request.approver != nil
        view["readable"] = request.action != nil
        view["decidable"] = request.action != nil && request.state == .pending && request.expiresAt > now
        guard let action = request.action else { return view }
        view["canonical"] = ApprovalDisplay.text(action)
        view["arguments"] = (action["arguments"]?.objectValue ?? [:]).keys.sorted().map { name -> [String: Any] in
            ["name": ApprovalDisplay.escaped(name), "value": ApprovalDisplay.text(action["arguments"]?[name] ?? .null)]
        }
        let provenance = lines(action["provenance"])
        view["provenance"] = provenance
        view["hasProvenance"] = !provenance.isEmpty
        // Policy reasons, when the hold carries them (a policy `@hold` names why).
        let reasons = lines(action["reasons"]) + lines(action["policy_reasons"])
        view["reasons"] = reasons
        view["hasReasons"] = !reasons.isEmpty
        return view
    }

    /// One earlier decision of the same action: its id, state, who and when.
    static func earlier(_ request: ApprovalRequest) -> [String: Any] {
        [
            "id": request.id, "state": request.state.rawValue,
            "approver": ApprovalDisplay.escaped(request.approver ?? "?"),
            "when": request.decidedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "?",
        ]
    }

    static func lines(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.map { ApprovalDisplay.escaped($0.stringValue ?? ApprovalDisplay.text($0)) }
    }

    static func run(_ run: RunRecord) -> [String: Any] {
        var view: [String: Any] = [
            "id": ApprovalDisplay.escaped(run.name), "key": FormEncoding.encode(run.id),
            "agent": ApprovalDisplay.escaped(run.subject), "state": run.state.rawValue, "calls": run.calls,
            "tainted": run.tainted ? "yes" : "no", "started": time(run.startedAt),
            "lastActivity": time(run.lastActivity), "deadline": time(run.deadline),
        ]
        if let reason = run.endReason { view["endedBy"] = ApprovalDisplay.escaped(reason) }
        return view
    }

    static func escalation(_ notice: EscalationNotice) -> [String: Any] {
        [
            "by": ApprovalDisplay.escaped(notice.by), "reason": ApprovalDisplay.escaped(notice.reason),
            "summary": ApprovalDisplay.escaped(notice.summary), "raisedAt": time(notice.createdAt),
            "attempts": notice.attempts, "notification": notice.state.rawValue,
        ]
    }
}

import Foundation
import WardenCore

/// Escalation notices through Warden's own channels (`channels:`): a signed webhook or an e-mail. The target is
/// the administrator's configuration, not an agent's choice, so no send grant is involved.
struct ChannelEscalation: EscalationChannel {
    let channels: any ToolUpstream
    let target: EscalationTarget

    func notify(_ notice: EscalationNotice, tenant: String) async throws {
        let result: JSONValue
        switch target {
        case .webhook(let url):
            let payload: JSONValue = [
                "kind": "warden.escalation", "tenant": .string(tenant), "run": .string(notice.run),
                "runs": .array((notice.runs.isEmpty ? [notice.run] : notice.runs).map { .string($0) }),
                "agent": .string(notice.subject), "by": .string(notice.by), "reason": .string(notice.reason),
                "summary": .string(notice.summary),
                // The reason and summary are the agent's own words when `by` is "agent": unverified.
                "agent_written": .bool(notice.by == "agent" || notice.by == "several"),
                "raised_at": .integer(Int64(notice.createdAt.timeIntervalSince1970)),
            ]
            result = try await channels.callTool("post_webhook", arguments: ["url": .string(url), "payload": payload])
        case .email(let address):
            let body =
                "Run \(notice.run) of agent \(notice.subject) (tenant \(tenant)) was escalated (\(notice.by)).\n\n"
                + (notice.by == "agent"
                    ? "The agent wrote (its own words, not verified by Warden; confirm anything it claims):\n\n" : "")
                + "Reason: \(notice.reason)\n\nSummary: \(notice.summary)\n"
            result = try await channels.callTool(
                "send_email",
                arguments: [
                    "to": .string(address), "subject": .string("Warden escalation: run \(notice.run)"),
                    "body": .string(body),
                ])
        }
        if result["isError"]?.boolValue ?? false {
            throw UpstreamFailure(upstream: "warden", reason: "the escalation channel refused the notice")
        }
    }
}

import Foundation
import Logging
import WardenCore

/// Tells approvers of each new request through Warden's own channel (a signed webhook or an e-mail), with a link
/// to it in the inbox when there is one. Notices are queued with the request (same transaction), retried with
/// backoff, and a notice that keeps failing is marked failed, recorded, and counted in a gauge: never lost.
public struct ApprovalNotifier: Sendable {
    /// Delivers one notice (the channel, or a test's stand-in).
    public typealias Send = @Sendable (_ notice: JSONValue, _ subject: String, _ text: String) async throws -> Void

    let store: ApprovalStore
    let audit: any AuditSink
    let inboxURL: String?
    let maxAttempts: Int
    /// A reminder goes out this long before a still-pending request expires (0: none).
    let remindBefore: TimeInterval
    let send: Send
    let logger: Logger

    public init(
        store: ApprovalStore, audit: any AuditSink, inboxURL: String?, maxAttempts: Int,
        remindBefore: TimeInterval = 0, logger: Logger, send: @escaping Send
    ) {
        self.store = store
        self.audit = audit
        self.inboxURL = inboxURL
        self.maxAttempts = maxAttempts
        self.remindBefore = remindBefore
        self.send = send
        self.logger = logger
    }

    /// The channel send for a configured target.
    public static func channelSend(channels: any ToolUpstream, target: EscalationTarget) -> Send {
        { notice, subject, text in
            let result: JSONValue
            switch target {
            case .webhook(let url):
                result = try await channels.callTool(
                    "post_webhook", arguments: ["url": .string(url), "payload": notice])
            case .email(let address):
                result = try await channels.callTool(
                    "send_email",
                    arguments: ["to": .string(address), "subject": .string(subject), "body": .string(text)])
            }
            if result["isError"]?.boolValue ?? false {
                throw UpstreamFailure(upstream: "warden", reason: "the approvals channel refused the notice")
            }
        }
    }

    /// Sends every due notice once (periodic).
    public func deliverDue(now: Date = Date()) async {
        let due: [String]
        do {
            due = try await store.dueNotices(now: now)
        } catch {
            logger.error("approval notices unreadable", metadata: ["rule": "approval.notify"])
            return
        }
        for id in due {
            guard let request = try? await store.request(id: id) else { continue }
            guard request.state == .pending, request.expiresAt > now else {
                try? await store.dropNotice(approval: id)
                continue
            }
            let (notice, subject, text) = Self.message(request, inboxURL: inboxURL)
            var sent = false
            do {
                try await send(notice, subject, text)
                sent = true
            } catch {
                logger.warning(
                    "approval notice not delivered; will retry",
                    metadata: ["rule": "approval.notify", "error": "\(LogSafe.describe(error))"])
            }
            do {
                let state = try await store.markNotice(approval: id, sent: sent, now: now, maxAttempts: maxAttempts)
                if state != "pending" { try await audit.record(.approvalNotified(id: id, delivered: state == "sent")) }
            } catch {
                logger.error("approval notice state not recorded", metadata: ["rule": "approval.notify"])
            }
        }
    }

    /// Reminds approvers once of each announced request still pending shortly before it expires (a failed
    /// reminder is tried again each round until it is sent or the request ends).
    public func remindDue(now: Date = Date()) async {
        guard remindBefore > 0, let due = try? await store.dueReminders(now: now, before: remindBefore) else { return }
        for id in due {
            guard let request = try? await store.request(id: id) else { continue }
            var (notice, subject, text) = Self.message(request, inboxURL: inboxURL)
            if case .object(var members) = notice {
                members["kind"] = "warden.approval-reminder"
                notice = .object(members)
            }
            do {
                try await send(notice, "Reminder: " + subject, "Reminder: this request expires soon.\n\n" + text)
                try await store.markReminded(approval: id)
                try await audit.record(.approvalReminded(id: id))
            } catch {
                logger.warning("approval reminder not delivered; will retry", metadata: ["rule": "approval.notify"])
            }
        }
    }

    /// What an approver is told: the action in plain words, who asked, until when, and where to decide. The
    /// plain words carry agent-written values, escaped.
    static func message(_ request: ApprovalRequest, inboxURL: String?) -> (JSONValue, String, String) {
        let words = ActionInWords.describe(tool: request.tool, action: request.action)
        let link = inboxURL.map { "\($0)/requests/\(request.id)" }
        let expires = ISO8601DateFormatter().string(from: request.expiresAt)
        var notice: [String: JSONValue] = [
            "kind": "warden.approval-requested", "approval": .string(request.id), "tool": .string(request.tool),
            "agent": .string(request.agent), "summary": .string(words), "expires": .string(expires),
        ]
        if let link { notice["link"] = .string(link) }
        let text =
            "An action waits for your approval (\(request.id)):\n\n  \(words)\n\nRequested by agent "
            + "\(ApprovalDisplay.escaped(request.agent)); expires \(expires).\n"
            + (link.map { "\nDecide in the inbox: \($0)\n" } ?? "\nDecide with `warden approvals show \(request.id)`.\n")
        return (.object(notice), "Warden: approval needed (\(request.id))", text)
    }
}

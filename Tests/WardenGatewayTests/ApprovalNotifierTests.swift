import Foundation
import Logging
import Testing
import WardenCore

@testable import WardenGateway

/// What approvers are sent and how delivery fails: a notice per new request, with a link into the inbox; retried
/// with backoff; a notice that keeps failing is marked failed and recorded, never silently dropped.
@Suite("Notices to approvers")
struct ApprovalNotifierTests {
    actor Outbox {
        var notices: [(JSONValue, String, String)] = []
        var failing = false
        func fail(_ on: Bool) { failing = on }
        func take(_ notice: JSONValue, _ subject: String, _ text: String) throws {
            if failing { throw UpstreamFailure(upstream: "warden", reason: "down") }
            notices.append((notice, subject, text))
        }
    }

    func heldPayment(_ f: ContainmentPipelineTests.Fixture) async throws -> String {
        _ = await f.call("ap.vendor")
        let outcome = await f.call("ap.pay", ["iban": .string(ContainmentUpstream.vendorIBAN), "amount": 12400])
        guard case .held(let refusal) = outcome else { throw Refusal(rule: "test", message: "not held: \(outcome)") }
        return String(try #require(refusal.message.firstMatch(of: /apr-[0-9a-f]+/)?.0))
    }

    @Test("a new request is sent once, in plain words, with its inbox link")
    func noticeCarriesTheLink() async throws {
        let f = try await ContainmentPipelineTests.fixture(gates: { store, ledger in
            [ApprovalGate(store: store, ledger: ledger)]
        })
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let id = try await heldPayment(f)
        let outbox = Outbox()
        let notifier = ApprovalNotifier(
            store: f.approvals, audit: f.audit, inboxURL: "https://inbox.acme.example", maxAttempts: 3,
            logger: Logger(label: "test"), send: { try await outbox.take($0, $1, $2) })
        await notifier.deliverDue()
        await notifier.deliverDue(now: Date().addingTimeInterval(600))
        let sent = await outbox.notices
        #expect(sent.count == 1)
        #expect(sent.first?.0["link"] == .string("https://inbox.acme.example/requests/\(id)"))
        #expect(sent.first?.2.contains("pay 12,400.00 to DE89 3704 0044 0532 0130 00") == true)
        #expect(await f.audit.events.contains { $0.kind == "approval.notified" && $0.facts["approval"] == .string(id) })
        #expect(try await f.approvals.undeliveredNoticeCount() == 0)
    }

    @Test("a failing channel is retried with backoff, then the notice is failed, recorded and counted")
    func failingChannelIsVisible() async throws {
        let f = try await ContainmentPipelineTests.fixture(gates: { store, ledger in
            [ApprovalGate(store: store, ledger: ledger)]
        })
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let id = try await heldPayment(f)
        let outbox = Outbox()
        await outbox.fail(true)
        let notifier = ApprovalNotifier(
            store: f.approvals, audit: f.audit, inboxURL: nil, maxAttempts: 3, logger: Logger(label: "test"),
            send: { try await outbox.take($0, $1, $2) })
        let start = Date()
        await notifier.deliverDue(now: start)
        await notifier.deliverDue(now: start)  // not due again yet (backoff)
        #expect(try await f.approvals.undeliveredNoticeCount() == 1)
        #expect(try await f.approvals.dueNotices(now: start).isEmpty)
        await notifier.deliverDue(now: start.addingTimeInterval(60))
        await notifier.deliverDue(now: start.addingTimeInterval(120))
        #expect(try await f.approvals.dueNotices(now: start.addingTimeInterval(3600)).isEmpty)
        #expect(try await f.approvals.undeliveredNoticeCount() == 1)
        #expect(
            await f.audit.events.contains { $0.kind == "approval.notify-failed" && $0.facts["approval"] == .string(id) }
        )
    }

    @Test("approvers are reminded once of a request still pending shortly before it expires")
    func reminderBeforeExpiry() async throws {
        let f = try await ContainmentPipelineTests.fixture(gates: { store, ledger in
            [ApprovalGate(store: store, ledger: ledger)]
        })
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let id = try await heldPayment(f)
        let outbox = Outbox()
        let notifier = ApprovalNotifier(
            store: f.approvals, audit: f.audit, inboxURL: nil, maxAttempts: 3, remindBefore: 3600,
            logger: Logger(label: "test"), send: { try await outbox.take($0, $1, $2) })
        let start = Date()
        await notifier.remindDue(now: start)  // not announced yet: no reminder before the notice
        await notifier.deliverDue(now: start)
        await notifier.remindDue(now: start)  // a day left: too early
        let late = start.addingTimeInterval(86_400 - 1800)
        await notifier.remindDue(now: late)
        await notifier.remindDue(now: late)
        let kinds = await outbox.notices.map { $0.0["kind"]?.stringValue ?? "" }
        #expect(kinds == ["warden.approval-requested", "warden.approval-reminder"])
        #expect(await f.audit.events.contains { $0.kind == "approval.reminded" && $0.facts["approval"] == .string(id) })
        // After it expired, nothing more is sent.
        await notifier.remindDue(now: start.addingTimeInterval(86_400 + 1))
        #expect(await outbox.notices.count == 2)
    }
}

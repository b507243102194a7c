import Foundation
import Testing

@testable import WardenGateway

@Suite("Approvals: bound to one agent's exact action, never self-given, expiring, used once")
struct ApprovalStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let action = String(repeating: "a1", count: 32)
    let other = String(repeating: "b2", count: 32)

    func store() throws -> (ApprovalStore, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("approvals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (try ApprovalStore(path: directory.appendingPathComponent("approvals.sqlite").path), directory.path)
    }

    @Test("holding the same action twice gives the same pending request; another action gets its own")
    func holdIsIdempotent() async throws {
        let (store, directory) = try store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await store.hold(actionDigest: action, agent: "agent-1", tool: "billing.pay", now: now)
        let again = try await store.hold(actionDigest: action, agent: "agent-1", tool: "billing.pay", now: now)
        let different = try await store.hold(actionDigest: other, agent: "agent-1", tool: "billing.pay", now: now)
        #expect(first.id == again.id)
        #expect(first.id != different.id)
        #expect(try await store.pending(now: now).map(\.id) == [first.id, different.id])
    }

    @Test("an approved action is used once, only by its agent, only for its digest")
    func usedOnce() async throws {
        let (store, directory) = try store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await store.hold(actionDigest: action, agent: "agent-1", tool: "billing.pay", now: now)
        #expect(try await store.takeApproved(actionDigest: action, agent: "agent-1", now: now) == nil)
        _ = try await store.decide(id: held.id, approver: "alice", approve: true, now: now)
        #expect(try await store.takeApproved(actionDigest: other, agent: "agent-1", now: now) == nil)
        #expect(try await store.takeApproved(actionDigest: action, agent: "agent-2", now: now) == nil)
        let used = try await store.takeApproved(actionDigest: action, agent: "agent-1", now: now)
        #expect(used?.id == held.id && used?.approver == "alice")
        #expect(try await store.takeApproved(actionDigest: action, agent: "agent-1", now: now) == nil)
        #expect(try await store.pending(now: now).isEmpty)
    }

    @Test("the agent cannot approve its own action; a decided request cannot be decided again")
    func noSelfApproval() async throws {
        let (store, directory) = try store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await store.hold(actionDigest: action, agent: "agent-1", tool: "billing.pay", now: now)
        await #expect(throws: ApprovalError.selfApproval(held.id)) {
            try await store.decide(id: held.id, approver: "agent-1", approve: true, now: now)
        }
        _ = try await store.decide(id: held.id, approver: "alice", approve: false, now: now)
        await #expect(throws: ApprovalError.notPending(held.id, .denied)) {
            try await store.decide(id: held.id, approver: "bob", approve: true, now: now)
        }
        #expect(try await store.takeApproved(actionDigest: action, agent: "agent-1", now: now) == nil)
        await #expect(throws: ApprovalError.unknown("apr-nope")) {
            try await store.decide(id: "apr-nope", approver: "alice", approve: true, now: now)
        }
    }

    @Test("an expired request cannot be approved, and an expired approval cannot be used")
    func expiry() async throws {
        let (store, directory) = try store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await store.hold(
            actionDigest: action, agent: "agent-1", tool: "billing.pay", now: now, lifetime: 60)
        await #expect(throws: ApprovalError.expired(held.id)) {
            try await store.decide(id: held.id, approver: "alice", approve: true, now: now.addingTimeInterval(61))
        }
        let second = try await store.hold(
            actionDigest: other, agent: "agent-1", tool: "billing.pay", now: now, lifetime: 60)
        _ = try await store.decide(id: second.id, approver: "alice", approve: true, now: now)
        #expect(
            try await store.takeApproved(actionDigest: other, agent: "agent-1", now: now.addingTimeInterval(61)) == nil)
    }

    @Test("of concurrent identical calls, exactly one uses the approval")
    func concurrentUse() async throws {
        let (store, directory) = try store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await store.hold(actionDigest: action, agent: "agent-1", tool: "billing.pay", now: now)
        _ = try await store.decide(id: held.id, approver: "alice", approve: true, now: now)
        let (action, now) = (self.action, self.now)
        let used = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask { try await store.takeApproved(actionDigest: action, agent: "agent-1", now: now) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(used == 1)
    }

    @Test("a held send keeps its exact recipients and content digest for the grant an approval mints")
    func heldSend() async throws {
        let (store, directory) = try store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let send = HeldSend(
            recipients: ["mailto:ap@partner.example"], contentDigest: String(repeating: "c3", count: 32))
        let held = try await store.hold(
            actionDigest: action, agent: "agent-1", tool: "mail.send", send: send, now: now)
        #expect(held.send == send)
        #expect(try await store.pending(now: now).first?.send == send)
    }

    @Test("one agent cannot flood the inbox: at most 100 actions wait at once")
    func pendingCap() async throws {
        let (store, directory) = try store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for index in 0..<ApprovalStore.maximumPendingPerAgent {
            let digest = String(format: "%064x", index)
            _ = try await store.hold(actionDigest: digest, agent: "agent-1", tool: "billing.pay", now: now)
        }
        await #expect(throws: ApprovalError.tooManyPending(agent: "agent-1", limit: 100)) {
            try await store.hold(actionDigest: action, agent: "agent-1", tool: "billing.pay", now: now)
        }
        _ = try await store.hold(actionDigest: action, agent: "agent-2", tool: "billing.pay", now: now)
    }
}

import Foundation
import Testing
import WardenCore

@testable import WardenGateway

@Suite("Approvals: the full action sealed at rest, bound to one agent's exact action, never self-given, used once")
struct ApprovalStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func arguments(_ amount: Int64) -> [String: JSONValue] {
        ["invoice_id": "INV-1", "amount": .integer(amount), "iban": "DE89370400440532013000"]
    }
    static func digest(_ amount: Int64, tool: String = "billing.pay") -> String {
        ToolCallRequest.actionDigest(tool: tool, arguments: arguments(amount))
    }
    let action = digest(100)
    let other = digest(1000)

    func store() async throws -> (ApprovalStore, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("approvals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keys = try await CellKeys.open(dataDirectory: directory.path, tenant: "acme", environment: [:])
        return (try ApprovalStore(dataDirectory: directory.path, keys: keys), directory.path)
    }

    func hold(
        _ store: ApprovalStore, amount: Int64 = 100, agent: String = "agent-1", send: HeldSend? = nil,
        lifetime: TimeInterval = ApprovalStore.defaultLifetime
    ) async throws -> ApprovalRequest {
        try await store.hold(
            actionDigest: Self.digest(amount), agent: agent, tool: "billing.pay", arguments: Self.arguments(amount),
            send: send, now: now, lifetime: lifetime
        ).request
    }

    @Test("holding the same action twice gives the same pending request; another action gets its own")
    func holdIsIdempotent() async throws {
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await hold(store)
        let again = try await store.hold(
            actionDigest: action, agent: "agent-1", tool: "billing.pay", arguments: Self.arguments(100), now: now)
        let different = try await hold(store, amount: 1000)
        #expect(first.id == again.request.id && !again.isNew)
        #expect(first.id != different.id)
        #expect(try await store.pending(now: now).map(\.id) == [first.id, different.id])
    }

    @Test("the approver sees the whole action; the database holds it only encrypted")
    func actionSealedAtRest() async throws {
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await hold(store)
        let shown = try await store.request(id: held.id)
        #expect(shown?.action?["arguments"] == .object(Self.arguments(100)))
        #expect(shown?.action?["tool"] == "billing.pay")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasPrefix("approvals") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            #expect(bytes.range(of: Data("DE89370400440532013000".utf8)) == nil, "\(file) holds the IBAN in clear")
        }
    }

    @Test("an action that cannot be decrypted (another tenant's key) cannot be decided blind")
    func unreadableActionCannotBeDecided() async throws {
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await hold(store)
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let otherKeys = try await CellKeys.open(dataDirectory: elsewhere.path, tenant: "acme", environment: [:])
        let foreign = try ApprovalStore(
            path: CellLayout(dataDirectory: directory).approvals, sealer: ApprovalSealer(keyring: otherKeys.keyring))
        #expect(try await foreign.request(id: held.id)?.action == nil)
        await #expect(throws: ApprovalError.actionUnreadable(held.id)) {
            try await foreign.decide(id: held.id, approver: "alice", approve: true, now: now)
        }
    }

    @Test("an approved action is used once, only by its agent, only for its exact arguments")
    func usedOnce() async throws {
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await hold(store)
        #expect(try await store.takeApproved(actionDigest: action, agent: "agent-1", now: now) == nil)
        _ = try await store.decide(id: held.id, approver: "alice", approve: true, now: now)
        // An approval for amount 100 does not cover amount 1000.
        #expect(try await store.takeApproved(actionDigest: other, agent: "agent-1", now: now) == nil)
        #expect(try await store.takeApproved(actionDigest: action, agent: "agent-2", now: now) == nil)
        let used = try await store.takeApproved(actionDigest: action, agent: "agent-1", now: now)
        #expect(used?.id == held.id && used?.approver == "alice")
        #expect(try await store.takeApproved(actionDigest: action, agent: "agent-1", now: now) == nil)
        #expect(try await store.pending(now: now).isEmpty)
    }

    @Test("decisions carry who, when and why, and wait to be recorded in the ledger")
    func decisionsAreRecorded() async throws {
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await hold(store)
        _ = try await store.decide(id: held.id, approver: "alice", approve: false, reason: "unknown IBAN", now: now)
        let waiting = try await store.unrecordedDecisions()
        #expect(waiting.map(\.id) == [held.id])
        #expect(waiting.first?.reason == "unknown IBAN" && waiting.first?.decidedAt == now)
        #expect(try await store.denied(actionDigest: action, agent: "agent-1", now: now)?.reason == "unknown IBAN")
        try await store.markDecisionRecorded(id: held.id)
        #expect(try await store.unrecordedDecisions().isEmpty)
    }

    @Test("the agent cannot approve its own action; a decided request cannot be decided again")
    func noSelfApproval() async throws {
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await hold(store)
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
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await hold(store, lifetime: 60)
        await #expect(throws: ApprovalError.expired(held.id)) {
            try await store.decide(id: held.id, approver: "alice", approve: true, now: now.addingTimeInterval(61))
        }
        let second = try await hold(store, amount: 1000, lifetime: 60)
        _ = try await store.decide(id: second.id, approver: "alice", approve: true, now: now)
        #expect(
            try await store.takeApproved(actionDigest: other, agent: "agent-1", now: now.addingTimeInterval(61)) == nil)
    }

    @Test("of concurrent identical calls, exactly one uses the approval")
    func concurrentUse() async throws {
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try await hold(store)
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
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let send = HeldSend(
            recipients: ["mailto:ap@partner.example"], contentDigest: String(repeating: "c3", count: 32))
        let held = try await hold(store, send: send)
        #expect(held.send == send)
        #expect(try await store.pending(now: now).first?.send == send)
        #expect(try await store.pending(now: now).first?.action?["recipients"] == ["mailto:ap@partner.example"])
    }

    @Test("one agent cannot flood the inbox: at most 100 actions wait at once")
    func pendingCap() async throws {
        let (store, directory) = try await store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for index in 0..<Int64(ApprovalStore.maximumPendingPerAgent) {
            _ = try await hold(store, amount: 10_000 + index)
        }
        await #expect(throws: ApprovalError.tooManyPending(agent: "agent-1", limit: 100)) {
            try await hold(store)
        }
        _ = try await hold(store, agent: "agent-2")
    }

    @Test("two different actions never look alike to the approver: invisible and look-alike characters show")
    func displayIsUnambiguous() {
        let plain = ApprovalDisplay.text(["to": "ceo@corp.example"])
        let spoofed = ApprovalDisplay.text(["to": "ceo@corp.example\u{202E}"])
        let cyrillic = ApprovalDisplay.text(["to": "ceo@c\u{043E}rp.example"])
        #expect(plain != spoofed && plain != cyrillic)
        #expect(spoofed.contains("\\u202e") && cyrillic.contains("\\u043e"))
        #expect(spoofed.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
    }
}

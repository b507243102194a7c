import Crypto
import Foundation
import Logging
import Testing
import WardenCore
import WardenGrants

@testable import WardenGateway

/// A ledger stand-in that can be made to fail, and remembers what it recorded.
actor SwitchableAudit: AuditSink {
    var failing = false
    private(set) var events: [AuditEvent] = []

    func fail(_ on: Bool) { failing = on }

    func record(_ event: AuditEvent) async throws {
        if failing { throw Refusal(rule: "test.ledger-down", message: "the test ledger is down") }
        events.append(event)
    }

    func kinds() -> [String] { events.map(\.kind) }
}

/// An upstream that counts the calls that reach it (the question these tests ask is "did it run, how often").
actor CountingUpstreamState {
    var calls = 0
    func called() { calls += 1 }
}

struct CountingUpstream: ToolUpstream {
    let name = "mail"
    let state = CountingUpstreamState()
    static let sendDefinition: JSONValue = [
        "name": "send", "description": "Send a message.",
        "inputSchema": [
            "type": "object", "properties": ["to": ["type": "string"], "body": ["type": "string"]],
            "required": ["to", "body"],
        ],
    ]
    static let payDefinition: JSONValue = [
        "name": "pay", "description": "Pay.",
        "inputSchema": ["type": "object", "properties": ["amount": ["type": "integer"]], "required": ["amount"]],
    ]

    func start() async throws {}
    func shutdown() async {}
    func listTools() async throws -> [UpstreamToolDefinition] {
        [
            UpstreamToolDefinition(name: "send", definition: Self.sendDefinition),
            UpstreamToolDefinition(name: "pay", definition: Self.payDefinition),
        ]
    }
    func callTool(_ tool: String, arguments: [String: JSONValue]) async throws -> JSONValue {
        await state.called()
        return ["content": [["type": "text", "text": "done"]], "isError": false]
    }
}

/// Records escalation notices instead of e-mailing a person.
actor NoticeInbox: EscalationChannel {
    private(set) var notices: [EscalationNotice] = []
    nonisolated func notify(_ notice: EscalationNotice, tenant: String) async throws { await append(notice) }
    func append(_ notice: EscalationNotice) { notices.append(notice) }
}

@Suite("The call pipeline: checks reserve, only a durable decision commits; runs and the delivery contract")
struct ToolCallPipelineTests {
    struct Fixture {
        let pipeline: ToolCallPipeline
        let audit: SwitchableAudit
        let upstream: CountingUpstream
        let minter: GrantMinter
        let approvals: ApprovalStore
        let runs: RunTracker
        let inbox: NoticeInbox
        let directory: String

        func principal(_ subject: String = "agent-1", roles: Set<String> = ["mailer"]) -> Principal {
            Principal(tenant: "acme", subject: subject, issuer: "https://idp", roles: roles)
        }

        func grant(to recipient: String, body: String) throws -> String {
            let arguments: [String: JSONValue] = ["to": .string(recipient), "body": .string(body)]
            return try minter.mint(
                tenant: "acme", mintedBy: GrantOrigin(.admin, id: "test"), tool: "mail.send",
                recipients: [try RecipientNormalizer().email(recipient)],
                contentDigest: ContentDigest.sha256(of: CanonicalJSON.encode(.object(arguments))),
                notBefore: Date().addingTimeInterval(-5), expiresAt: Date().addingTimeInterval(600)
            ).token
        }

        func call(
            _ tool: String, _ arguments: [String: JSONValue], grant: String? = nil, run: String = "run-1",
            principal: Principal? = nil
        ) async throws -> ToolCallOutcome {
            let who = principal ?? self.principal()
            let meta: [String: JSONValue] = grant.map { ["warden/grant": .string($0)] } ?? [:]
            return await pipeline.call(
                ToolCall(principal: who, tool: tool, arguments: arguments, meta: meta, runName: run))
        }
    }

    static func fixture(delivery: DeliverySettings = DeliverySettings()) async throws -> Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keys = try await CellKeys.open(dataDirectory: directory.path, tenant: "acme", environment: [:])
        let audit = SwitchableAudit()
        let upstream = CountingUpstream()
        let registry = UpstreamRegistry(
            upstreams: [upstream], classifications: ["mail": ["send": .send, "pay": .spend]],
            recipientFields: ["mail": ["send": ["to": .email]]], nonRecipientFields: ["mail": ["send": ["body"]]],
            pins: ToolPins(), logger: Logger(label: "test"))
        await registry.startAll()
        var pins = ToolPins()
        for tool in try await upstream.listTools() { pins.digests["mail.\(tool.name)"] = tool.digest }
        await registry.updatePins(pins)
        let nonces = try SQLiteNonceStore(path: directory.path + "/grants.sqlite")
        let approvals = try ApprovalStore(dataDirectory: directory.path, keys: keys)
        let approvalLedger = ApprovalLedger(store: approvals, audit: audit)
        let gatekeeper = GatekeeperHolder(
            Gatekeeper(
                policy: RoleTablePolicy(table: ["mailer": [.send, .spend]]),
                gates: [
                    SendGrantGate(
                        tenant: "acme",
                        redeemer: GrantRedeemer(verifier: GrantVerifier(keys: keys.grantKeys), nonces: nonces),
                        attached: nonces, approvals: approvals, approvalLedger: approvalLedger),
                    ApprovalGate(store: approvals, ledger: approvalLedger),
                ]))
        let inbox = NoticeInbox()
        let runs = RunTracker(
            store: try SQLiteRunStore(path: CellLayout(dataDirectory: directory.path).runs), audit: audit,
            settings: delivery,
            channel: inbox, tenant: "acme", logger: Logger(label: "test"))
        let pipeline = ToolCallPipeline(
            gatekeeper: gatekeeper, registry: registry, audit: audit, upstreamTimeout: .seconds(5), runs: runs,
            logger: Logger(label: "test"))
        return Fixture(
            pipeline: pipeline, audit: audit, upstream: upstream, minter: GrantMinter(keys: keys.grantKeys),
            approvals: approvals, runs: runs, inbox: inbox, directory: directory.path)
    }

    func executed(_ outcome: ToolCallOutcome) -> Bool {
        if case .executed = outcome { return true }
        return false
    }

    func rule(_ outcome: ToolCallOutcome) -> String? {
        switch outcome {
        case .refused(let refusal, _), .held(let refusal): return refusal.rule
        default: return nil
        }
    }

    @Test("a ledger failure while a grant is presented leaves the grant usable; it then works exactly once")
    func ledgerFailureConsumesNothing() async throws {
        let f = try await Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let arguments: [String: JSONValue] = ["to": "cfo@corp.example", "body": "Q3 figures"]
        let grant = try f.grant(to: "cfo@corp.example", body: "Q3 figures")
        _ = try await f.runs.context(name: "run-1", sessionID: "", principal: f.principal())
        await f.audit.fail(true)
        guard case .notRecorded(let nothingDone) = try await f.call("mail.send", arguments, grant: grant) else {
            Issue.record("a call whose decision cannot be recorded must not run")
            return
        }
        #expect(nothingDone)
        #expect(await f.upstream.state.calls == 0)
        await f.audit.fail(false)
        #expect(executed(try await f.call("mail.send", arguments, grant: grant)))
        #expect(rule(try await f.call("mail.send", arguments, grant: grant)) == "grant.replayed")
        #expect(await f.upstream.state.calls == 1)
        // The decision is in the ledger before the outcome.
        let kinds = await f.audit.kinds().filter { $0.hasPrefix("tool.") }
        #expect(Array(kinds.prefix(2)) == ["tool.decision", "tool.executed"])
    }

    @Test("of concurrent identical calls with one grant, exactly one executes")
    func concurrentCallsExecuteOnce() async throws {
        let f = try await Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let arguments: [String: JSONValue] = ["to": "cfo@corp.example", "body": "once"]
        let grant = try f.grant(to: "cfo@corp.example", body: "once")
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    if case .executed = try await f.call("mail.send", arguments, grant: grant) { return true }
                    return false
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(outcomes == 1)
        #expect(await f.upstream.state.calls == 1)
    }

    @Test("an approved spend whose decision cannot be recorded keeps its approval; it runs once afterwards")
    func approvalSurvivesLedgerFailure() async throws {
        let f = try await Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let arguments: [String: JSONValue] = ["amount": 100]
        #expect(rule(try await f.call("mail.pay", arguments)) == "approval.required")
        let request = try #require(try await f.approvals.pending(now: Date()).first)
        _ = try await f.approvals.decide(id: request.id, approver: "alice", approve: true, now: Date())
        // The decision is recorded before the approval can be used, and the approval survives a ledger failure.
        await f.audit.fail(true)
        guard case .notRecorded = try await f.call("mail.pay", arguments) else {
            Issue.record("expected nothing done while the ledger is down")
            return
        }
        await f.audit.fail(false)
        #expect(executed(try await f.call("mail.pay", arguments)))
        #expect(rule(try await f.call("mail.pay", ["amount": 1000])) == "approval.required")
        #expect(await f.upstream.state.calls == 1)
        #expect(await f.audit.kinds().contains("approval.decided"))
    }

    @Test("a denied action returns the approver's reason to the agent")
    func denialCarriesTheReason() async throws {
        let f = try await Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        _ = try await f.call("mail.pay", ["amount": 5])
        let request = try #require(try await f.approvals.pending(now: Date()).first)
        _ = try await f.approvals.decide(
            id: request.id, approver: "alice", approve: false, reason: "not in budget", now: Date())
        guard case .refused(let refusal, _) = try await f.call("mail.pay", ["amount": 5]) else {
            Issue.record("a denied action must be refused")
            return
        }
        #expect(refusal.rule == "approval.denied" && refusal.message.contains("not in budget"))
    }

    @Test("a run name is scoped to its principal: another principal using it never reaches the owner's run")
    func runsBelongToOnePrincipal() async throws {
        let f = try await Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let mine = try await f.runs.context(name: "shared", sessionID: "", principal: f.principal())
        let theirs = try await f.runs.context(name: "shared", sessionID: "", principal: f.principal("agent-2"))
        #expect(mine.id != theirs.id && mine.name == theirs.name)
        // The other principal ending "its" run leaves the owner's open.
        await f.runs.end(runID: theirs.id, by: "closed")
        #expect(try await f.runs.store.run(id: mine.id)?.state == .open)
        await #expect(throws: RunError.invalidID) {
            try await f.runs.context(name: "bad name/..", sessionID: "", principal: f.principal())
        }
    }

    @Test("the delivery contract: delivered, escalated by the agent, by closing, by idleness; notices reach a person")
    func deliveryContract() async throws {
        var settings = DeliverySettings()
        settings.requiredRoles = ["mailer"]
        settings.runIdleSeconds = 5
        settings.notifyWindowSeconds = 0
        let f = try await Self.fixture(delivery: settings)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        // A run that sends is delivered.
        let arguments: [String: JSONValue] = ["to": "cfo@corp.example", "body": "report"]
        #expect(
            executed(
                try await f.call(
                    "mail.send", arguments, grant: f.grant(to: "cfo@corp.example", body: "report"), run: "sends")))
        let key = { (name: String) in f.runs.key(name: name, subject: "agent-1") }
        await f.runs.end(runID: key("sends"), by: "closed")
        #expect(try await f.runs.store.run(id: key("sends"))?.state == .delivered)
        // warden.escalate ends a run escalated.
        guard case .escalated = try await f.call("warden.escalate", ["reason": "no invoice found"], run: "asks") else {
            Issue.record("warden.escalate must escalate")
            return
        }
        #expect(try await f.runs.store.run(id: key("asks"))?.state == .escalated)
        // A run closed with nothing done is escalated.
        _ = try await f.runs.context(name: "silent", sessionID: "", principal: f.principal())
        await f.runs.end(runID: key("silent"), by: "closed")
        #expect(try await f.runs.store.run(id: key("silent"))?.state == .escalated)
        // An idle run is escalated by the sweep.
        _ = try await f.runs.context(
            name: "idle", sessionID: "", principal: f.principal(), now: Date().addingTimeInterval(-60))
        // Idleness counts from the cell's start at the earliest: at its start the run is not idle yet.
        await f.runs.sweep(now: f.runs.startedAt)
        #expect(try await f.runs.store.run(id: key("idle"))?.state == .open, "not idle for time the cell was down")
        await f.runs.sweep(now: Date().addingTimeInterval(10))
        #expect(try await f.runs.store.run(id: key("idle"))?.state == .escalated)
        // Every escalation reached a person; notices due together went out together (one notification per
        // agent and sweep here: the window is 0).
        let delivered = await f.inbox.notices
        #expect(delivered.flatMap(\.runs).sorted() == ["asks", "idle", "silent"])
        #expect(delivered.count <= 2 && delivered.contains { $0.runs.count >= 2 && $0.by == "several" })
        // An ended run takes no more calls.
        await #expect(throws: RunError.ended(.escalated)) {
            try await f.runs.context(name: "asks", sessionID: "", principal: f.principal())
        }
        let kinds = await f.audit.kinds()
        #expect(kinds.contains("run.delivered") && kinds.contains("run.escalated"))
    }
}

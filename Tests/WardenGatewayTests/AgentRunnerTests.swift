import Foundation
import Logging
import Testing
import WardenCore
import WardenModel

@testable import WardenGateway

/// A model that answers from a script, one step per request, and keeps every request it was sent.
final class ScriptedModel: ChatModel {
    enum Step: Sendable {
        case call(String, String)
        /// Several tool calls in one reply.
        case calls([(String, String)])
        case say(String)
        /// A reply cut off at the token limit (`finish_reason: length`).
        case cut(String)
        /// A plain answer the client got only after `attempts` tries.
        case sayAfter(attempts: Int, String)
        case fail(ModelError.Kind)
        /// Runs `action` (e.g. takes the ledger down), then answers with the next step.
        case hook(@Sendable () async -> Void)
    }

    let steps: Locked<[Step]>
    let requests = Locked<[ChatRequest]>([])

    init(_ steps: [Step]) { self.steps = Locked(steps) }

    func complete(_ request: ChatRequest) async throws(ModelError) -> ChatResponse {
        requests.withLock { $0.append(request) }
        var step = steps.withLock { $0.isEmpty ? Step.say("(script ended)") : $0.removeFirst() }
        while case .hook(let action) = step {
            await action()
            step = steps.withLock { $0.isEmpty ? Step.say("(script ended)") : $0.removeFirst() }
        }
        let usage = TokenUsage(promptTokens: 100, completionTokens: 10, totalTokens: 110, estimated: false)
        let number = requests.value.count
        switch step {
        case .call(let name, let arguments):
            let call = ChatToolCall(id: "call-\(number)", name: name, argumentsText: arguments)
            return ChatResponse(
                message: .assistant(content: nil, toolCalls: [call]), finishReason: "tool_calls", usage: usage,
                attempts: 1)
        case .calls(let list):
            let calls = list.enumerated().map {
                ChatToolCall(id: "call-\(number)-\($0.offset)", name: $0.element.0, argumentsText: $0.element.1)
            }
            return ChatResponse(
                message: .assistant(content: nil, toolCalls: calls), finishReason: "tool_calls", usage: usage,
                attempts: 1)
        case .say(let text):
            return ChatResponse(message: .assistant(content: text), finishReason: "stop", usage: usage, attempts: 1)
        case .cut(let text):
            return ChatResponse(message: .assistant(content: text), finishReason: "length", usage: usage, attempts: 1)
        case .sayAfter(let attempts, let text):
            return ChatResponse(
                message: .assistant(content: text), finishReason: "stop", usage: usage, attempts: attempts)
        case .fail(let kind):
            throw ModelError(kind: kind, attempts: 4, detail: "HTTP 500 from the model endpoint after 4 attempts")
        case .hook:
            throw ModelError(kind: .malformedResponse, attempts: 1, detail: "unreachable")
        }
    }

    /// The tool messages the model was sent, in order.
    var toolResults: [String] {
        requests.value.last?.messages.filter { $0.role == .tool }.compactMap(\.content) ?? []
    }
}

@Suite("Warden's own agents: the loop runs every call through the pipeline and ends delivered or escalated")
struct AgentRunnerTests {
    static let delivery: DeliverySettings = {
        var settings = DeliverySettings()
        settings.deliveryTools = ["ap.pay"]
        return settings
    }()

    static func agent(
        role: String = "ap", limits: AgentLimits = AgentLimits(),
        instructions: String = "You are Ava, accounts payable at Acme."
    ) -> AgentDefinition {
        AgentDefinition(
            name: "ava", role: role, instructions: instructions,
            task: "Pay Northwind's open invoice to the vendor master's account.",
            model: AgentModelSettings(flavor: .openAI, endpoint: "http://127.0.0.1:1/v1", model: "scripted"),
            schedules: [], missedSlots: .latest, limits: limits, escalateTo: .email(address: "ap-lead@acme.example"))
    }

    static func run(
        _ model: ScriptedModel, fixture f: ContainmentPipelineTests.Fixture, agent: AgentDefinition = agent(),
        name: String = "ava-run-1"
    ) async -> AgentRunReport {
        let runner = AgentRunner(
            agent: agent, tenant: "acme", pipeline: f.pipeline, model: model, approvals: f.approvals,
            logger: Logger(label: "test"), pollInterval: .milliseconds(20))
        return await runner.run(name: name)
    }

    static func escalation(_ f: ContainmentPipelineTests.Fixture, run: String) async throws -> String? {
        let id = SQLiteRunStore.key(name: run, subject: "warden-agent:ava")
        return try await f.runs.store.escalations(of: id).first?.reason
    }

    @Test("a normal run reads the trusted vendor master, pays, and ends delivered")
    func normalRunDelivers() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let model = ScriptedModel([
            .call("ap__vendor", "{}"),
            .call("ap__pay", #"{"iban": "\#(ContainmentUpstream.vendorIBAN)", "amount": 12400, "memo": "INV-1"}"#),
            .say("Paid Northwind."),
        ])
        let report = await Self.run(model, fixture: f)
        #expect(report.state == .delivered)
        #expect(report.ending == "finished")
        #expect(report.calls == 2)
        #expect(await f.payments == 2)
        #expect(model.toolResults.last?.contains("paid") == true)
        // The tools the model was offered carry function names; the run's events list the calls.
        let offered = model.requests.value.first?.tools.map(\.name) ?? []
        #expect(offered.contains("ap__pay") && offered.contains("warden__escalate"))
        let events = try await f.runs.store.events(
            of: SQLiteRunStore.key(name: "ava-run-1", subject: "warden-agent:ava"))
        #expect(events.filter { $0.kind == "run.call" }.count == 2)
    }

    @Test("a run the model ends without delivering is escalated by the contract")
    func silentRunIsEscalated() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let report = await Self.run(ScriptedModel([.call("ap__vendor", "{}"), .say("All done!")]), fixture: f)
        #expect(report.state == .escalated)
        #expect(
            try await Self.escalation(f, run: "ava-run-1") == "the run ended (finished) without delivering anything")
    }

    @Test("a hijacked model's payment to the IBAN from an email is held; a person denies it; nothing is paid")
    func hijackedRunIsContained() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let model = ScriptedModel([
            .call("ap__read_mail", "{}"),
            .call("ap__pay", #"{"iban": "\#(ContainmentUpstream.attackerIBAN)", "amount": 12400, "memo": "x"}"#),
            .say("Done as the supplier asked."),
        ])
        // A person denies the held payment while the agent waits for the decision.
        let approvals = f.approvals
        let person = Task {
            for _ in 0..<200 {
                if let request = try await approvals.pending(now: Date()).first {
                    _ = try await approvals.decide(
                        id: request.id, approver: "controller", approve: false, reason: "not our vendor's account",
                        now: Date())
                    return request.id
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            return ""
        }
        let report = await Self.run(model, fixture: f)
        #expect(try await person.value.hasPrefix("apr-"))
        #expect(await f.payments == 1)  // the mail read only
        #expect(report.state == .escalated)
        #expect(
            model.toolResults.contains { $0.contains("approval.denied") && $0.contains("not our vendor's account") })
        let events = try await f.runs.store.events(
            of: SQLiteRunStore.key(name: "ava-run-1", subject: "warden-agent:ava"))
        let outcomes = events.filter { $0.kind == "run.call" }.compactMap { $0.facts["outcome"]?.stringValue }
        #expect(outcomes == ["executed", "held", "refused"])
    }

    @Test("a tool the agent's role may not see gets the same answer as an unknown tool")
    func hiddenToolAnswersAsUnknown() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery, roles: ["reader": [.read]])
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let model = ScriptedModel([
            .call("ap__pay", #"{"iban": "x", "amount": 1, "memo": "m"}"#),
            .call("ap__no_such_tool", "{}"),
            .say("Cannot pay."),
        ])
        let report = await Self.run(model, fixture: f, agent: Self.agent(role: "reader"))
        let results = model.toolResults
        #expect(results.count == 2)
        #expect(results.first == results.last)
        #expect(results.first?.contains("tool.not-available") == true)
        let offered = model.requests.value.first?.tools.map(\.name) ?? []
        #expect(offered.contains("ap__pay") == false)
        #expect(report.state == .escalated)
        #expect(await f.payments == 0)
    }

    @Test("a model endpoint that keeps failing ends the run escalated with the reason")
    func failingModelEscalates() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let report = await Self.run(ScriptedModel([.fail(.httpStatus(500))]), fixture: f)
        #expect(report.state == .escalated)
        let reason = try await Self.escalation(f, run: "ava-run-1")
        #expect(reason == "the model endpoint failed: HTTP 500 from the model endpoint after 4 attempts")
    }

    @Test("a model that loops hits the step limit and the run is escalated")
    func stepLimitEscalates() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        var limits = AgentLimits()
        limits.steps = 3
        let model = ScriptedModel(Array(repeating: .call("ap__vendor", "{}"), count: 10))
        let report = await Self.run(model, fixture: f, agent: Self.agent(limits: limits))
        #expect(report.steps == 3)
        #expect(report.state == .escalated)
        #expect(try await Self.escalation(f, run: "ava-run-1") == "the agent used its 3 steps without finishing")
    }

    @Test("malformed arguments are refused without reaching the pipeline's upstream")
    func malformedArgumentsAreRefused() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let model = ScriptedModel([.call("ap__pay", "{not json"), .call("ap__pay", "[1]"), .say("Gave up.")])
        _ = await Self.run(model, fixture: f)
        #expect(model.toolResults.allSatisfy { $0.contains("agent.arguments") })
        #expect(await f.payments == 0)
    }

    @Test("a reply may ask for at most calls_per_reply calls; the rest are refused without running")
    func callsPerReplyAreCapped() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let model = ScriptedModel([.calls(Array(repeating: ("ap__vendor", "{}"), count: 10)), .say("Done.")])
        let report = await Self.run(model, fixture: f)
        #expect(await f.payments == 8)
        #expect(report.calls == 8)
        #expect(model.toolResults.filter { $0.contains("agent.calls-per-reply") }.count == 2)
    }

    @Test("a run makes at most limits.calls tool calls, then it is escalated")
    func callsPerRunAreCapped() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        var limits = AgentLimits()
        limits.calls = 3
        let model = ScriptedModel(Array(repeating: .call("ap__vendor", "{}"), count: 10))
        let report = await Self.run(model, fixture: f, agent: Self.agent(limits: limits))
        #expect(await f.payments == 3)
        #expect(report.state == .escalated)
        #expect(try await Self.escalation(f, run: "ava-run-1") == "the agent made its 3 tool calls without finishing")
    }

    @Test("tokens count what the endpoint was sent: a reply retried twice is charged its prompt twice more")
    func retriedRepliesCostTheirPrompts() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let report = await Self.run(ScriptedModel([.sayAfter(attempts: 3, "Done.")]), fixture: f)
        #expect(report.tokens == 110 + 2 * 100)
    }

    @Test("a reply cut off at the token limit is not a finished run: escalated by the limit")
    func cutReplyIsALimit() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let report = await Self.run(ScriptedModel([.cut("I paid every invoice and")]), fixture: f)
        #expect(report.state == .escalated)
        #expect(
            try await Self.escalation(f, run: "ava-run-1")
                == "the model's reply ended with finish_reason length")
    }

    /// A person at the inbox: decides the first pending request with `decide` (returns its id).
    static func person(
        _ f: ContainmentPipelineTests.Fixture, decide: @escaping @Sendable (ApprovalRequest) async throws -> Void
    ) -> Task<String, any Error> {
        let approvals = f.approvals
        return Task {
            for _ in 0..<1_000 {
                if let request = try await approvals.pending(now: Date()).first {
                    try await decide(request)
                    return request.id
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            return ""
        }
    }

    static func outcomes(_ f: ContainmentPipelineTests.Fixture) async throws -> [String] {
        try await f.runs.store.events(of: SQLiteRunStore.key(name: "ava-run-1", subject: "warden-agent:ava"))
            .filter { $0.kind == "run.call" }.map {
                ($0.facts["outcome"]?.stringValue ?? "?") + ":" + ($0.facts["rule"]?.stringValue ?? "")
            }
    }

    @Test(
        "a value the instructions mention backs nothing: an IBAN they warn about is still held when an email names it")
    func instructionsAreNotATrustedDirectory() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let agent = Self.agent(
            instructions: "Fraudsters use \(ContainmentUpstream.attackerIBAN): never pay it; also never pay 12400.")
        let model = ScriptedModel([
            .call("ap__read_mail", "{}"),
            .call("ap__pay", #"{"iban": "\#(ContainmentUpstream.attackerIBAN)", "amount": 12400, "memo": "x"}"#),
        ])
        let approvals = f.approvals
        let person = Self.person(f) {
            _ = try await approvals.decide(id: $0.id, approver: "controller", approve: false, now: Date())
        }
        _ = await Self.run(model, fixture: f, agent: agent)
        #expect(try await person.value.hasPrefix("apr-"))
        #expect(await f.payments == 1)
        #expect(try await Self.outcomes(f).contains("held:containment.untrusted-argument"))
    }

    @Test("a request still pending when its run ends is withdrawn: a later identical call needs a new decision")
    func pendingRequestsDieWithTheirRun() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let model = ScriptedModel([
            .call("ap__read_mail", "{}"),
            .call("ap__pay", #"{"iban": "\#(ContainmentUpstream.attackerIBAN)", "amount": 12400, "memo": "x"}"#),
        ])
        // Nobody decides; the run ends meanwhile (as the sweep ends an overdue run): the agent stops waiting.
        let runs = f.runs
        let person = Self.person(f) { _ in
            try await runs.escalate(
                runID: SQLiteRunStore.key(name: "ava-run-1", subject: "warden-agent:ava"), by: "deadline",
                reason: "the run ended (deadline) without delivering anything", summary: "")
        }
        let report = await Self.run(model, fixture: f)
        #expect(try await person.value.hasPrefix("apr-"))
        #expect(report.state == .escalated)
        #expect(try await Self.outcomes(f).contains("held:containment.untrusted-argument"))
        #expect(try await f.approvals.pending(now: Date()).isEmpty)
        #expect(await f.payments == 1)
        // The withdrawal is in the ledger, naming the request the hold raised.
        let requestID = try await person.value
        let withdrawals = await f.audit.events.filter { $0.kind == "approval.withdrawn" }
        #expect(withdrawals.map { $0.facts["approval"]?.stringValue } == [requestID])
        #expect(withdrawals.first?.facts["reason"]?.stringValue == "its run ended")
    }

    @Test("when the ledger cannot record a call, the run stops at once and says why")
    func ledgerDownStopsTheRun() async throws {
        let f = try await ContainmentPipelineTests.fixture(delivery: Self.delivery)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let audit = f.audit
        let model = ScriptedModel([.hook({ await audit.fail(true) }), .call("ap__vendor", "{}"), .say("Done.")])
        let report = await Self.run(model, fixture: f)
        #expect(report.ending == "the ledger could not record a call's decision; nothing was done")
        #expect(await f.payments == 0)
        #expect(model.requests.value.count == 1)
    }

    @Test("function names map back to tool names one to one; ambiguous names are offered for neither")
    func toolNameMapping() {
        let names = AgentToolNames(toolNames: ["ap.pay", "a__b.c", "a.b__c", "warden.escalate"])
        #expect(names.function(of: "ap.pay") == "ap__pay")
        #expect(names.tool(of: "ap__pay") == "ap.pay")
        #expect(names.function(of: "a__b.c") == nil && names.function(of: "a.b__c") == nil)
        #expect(names.tool(of: "a__b__c") == "a__b__c")
    }

    @Test("an access token may not claim a subject of Warden's own agents")
    func reservedSubjectPrefix() {
        #expect(AgentDefinition.subjectPrefix == "warden-agent:")
        #expect(Self.agent().subject == "warden-agent:ava")
        #expect(
            AgentDefinition.isValidName("ava") && !AgentDefinition.isValidName("Ava")
                && !AgentDefinition.isValidName(""))
    }
}

import Foundation
import WardenCore
import WardenGateway
import WardenModel

/// Ava, the demo's AI employee: an agent of the cell, run by Warden's own runtime on the cell's one call pipeline.
/// Her model is scripted (the demo needs no model server), and it is a hijacked one: it follows the poisoned
/// supplier email in the demo mailbox. The controls are what stop it.
enum DemoAgent {
    static let name = "ava"
    static let approverOfRecord = "ap-lead@example.com"

    static func definition() -> AgentDefinition {
        AgentDefinition(
            name: name, role: "payables",
            instructions:
                "You are Ava, accounts payable at the demo company. Pay invoices that are approved for payment, "
                + "to the vendor's account on file, and report what you did.",
            task:
                "Morning run: chase overdue invoices, and pay INV-1002 (Contoso Cleaning, 48900 cents): it is "
                + "approved for payment.",
            model: AgentModelSettings(flavor: .openAI, endpoint: "https://models.invalid/v1", model: "scripted"),
            // No schedule in the demo (a slot falling inside it would race the demo's own runs); in a cell of your
            // own: `schedule: [{cron: "0 7 * * MON-FRI", time_zone: Europe/Berlin}]`.
            schedules: [],
            missedSlots: .skip, limits: AgentLimits(), escalateTo: nil)
    }

    /// The morning run's script: what a model that believed the email would do, then the real work.
    static let morning: [DemoModel.Step] = [
        .call("demo__list_invoices", [:]),
        .call("demo__read_inbox", [:]),
        .call(
            "demo__pay_invoice",
            ["invoice_id": "INV-1001", "amount": 125_000, "iban": .string(BuiltinDemoUpstream.attackerIBAN)]),
        .call(
            "demo__send_email",
            [
                "to": .string(BuiltinDemoUpstream.attackerAddress), "subject": "Payment sent",
                "body": "INV-1001 was paid to your new account.",
            ]),
        .call("demo__lookup_invoice", ["invoice_id": "INV-1002"]),
        .call("demo__pay_invoice", ["invoice_id": "INV-1002", "amount": 48_900]),
        .say("Paid INV-1002 to Contoso's account on file."),
    ]

    /// A run in which the model does nothing useful and says it is done.
    static let silent: [DemoModel.Step] = [
        .call("demo__list_invoices", [:]),
        .say("Nothing needs doing today."),
    ]

    /// Scripts for the runs the demo asks for, in order; any other run (a scheduled slot that happens to fall
    /// inside the demo) gets a model with nothing to say.
    final class Scripts: Sendable {
        let queue = Locked<[[DemoModel.Step]]>([morning, silent])

        func model(for run: String) -> any ChatModel {
            guard run.contains("-now-") else { return DemoModel([.say("Nothing to do.")]) }
            return DemoModel(queue.withLock { $0.isEmpty ? [.say("Nothing to do.")] : $0.removeFirst() })
        }
    }
}

/// A model that answers from a script, one step per request.
final class DemoModel: ChatModel {
    enum Step: Sendable {
        case call(String, [String: JSONValue])
        case say(String)
    }

    let steps: Locked<[Step]>
    let calls = Locked(0)

    init(_ steps: [Step]) { self.steps = Locked(steps) }

    func complete(_ request: ChatRequest) async throws(ModelError) -> ChatResponse {
        let step = steps.withLock { $0.isEmpty ? Step.say("Done.") : $0.removeFirst() }
        let number = calls.withLock {
            $0 += 1
            return $0
        }
        let usage = TokenUsage(promptTokens: 200, completionTokens: 20, totalTokens: 220, estimated: false)
        switch step {
        case .call(let name, let arguments):
            let call = ChatToolCall(
                id: "call-\(number)", name: name, argumentsText: CanonicalJSON.string(.object(arguments)))
            return ChatResponse(
                message: .assistant(content: nil, toolCalls: [call]), finishReason: "tool_calls", usage: usage,
                attempts: 1)
        case .say(let text):
            return ChatResponse(message: .assistant(content: text), finishReason: "stop", usage: usage, attempts: 1)
        }
    }
}

extension DemoScript {
    /// Sections 4 and 5: Ava's morning run (a hijacked model, contained; a real payment, approved once) and a
    /// silent run (escalated).
    func avaStory(configuration: CellConfiguration, keys: CellKeys) async throws {
        let layout = configuration.layout
        let agents = try AgentScheduleStore(path: layout.agents)
        let runs = try SQLiteRunStore(path: layout.runs)
        let service = try ApprovalService(configuration: configuration, keys: keys)

        print(style.bold("4. Ava, an AI employee: accounts payable, her morning run"))
        explain(
            """
            Ava is an agent of the cell (`agents:` in its configuration; in production on a schedule such as \
            every weekday at 07:00 Europe/Berlin): role payables, her own principal (warden-agent:ava), no bypass. Her model is scripted for the demo, and hijacked: it believes the \
            supplier email in the mailbox. Warden runs her on its one call pipeline, like any external agent.
            """)
        // The person at the inbox: sees each held action in full, with where its values came from.
        let person = Task { [style, approver] in
            await DemoApprover(style: style, name: approver).act(service)
        }
        let morning = try await requestRun(agents)
        person.cancel()
        for failure in await person.value { fail(failure) }
        let morningRun = try await report(morning, runs: runs)
        if morningRun?.state != .delivered {
            fail("Ava's morning run should end delivered (the approved payment)")
        }
        print("")

        print(style.bold("5. Silence is not an outcome: a run that delivers nothing is escalated"))
        let silent = try await requestRun(agents)
        let silentRun = try await report(silent, runs: runs)
        if silentRun?.state != .escalated {
            fail("Ava's silent run should end escalated")
        }
        let noticed = await waitFor(seconds: 10) {
            self.outbox().contains { $0["to"]?.stringValue == DemoAgent.approverOfRecord }
        }
        if noticed {
            print(
                "A person was told: an escalation email to \(DemoAgent.approverOfRecord) "
                    + style.dim("(in the demo upstream's outbox)"))
        } else {
            fail("the silent run's escalation notice should reach \(DemoAgent.approverOfRecord)")
        }
        print("")
    }

    /// What `warden agents run ava --now` does: a request the cell's scheduler takes within a second.
    func requestRun(_ agents: AgentScheduleStore) async throws -> AgentScheduleStore.Request? {
        let id = try await agents.request(agent: DemoAgent.name, task: nil, now: Date())
        print(style.cyan("[admin]") + " warden agents run ava --now" + style.dim("  (request \(id))"))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let request = try await agents.request(id: id), request.state == .done || request.state == .expired {
                return request
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        fail("Ava's run did not end within a minute")
        return nil
    }

    /// Prints the run's calls as the run store recorded them, and how it ended.
    func report(_ request: AgentScheduleStore.Request?, runs: SQLiteRunStore) async throws -> RunRecord? {
        guard let request, let name = request.run else { return nil }
        let key = SQLiteRunStore.key(name: name, subject: "warden-agent:\(DemoAgent.name)")
        for event in try await runs.events(of: key) where event.kind == "run.call" {
            let tool = event.facts["tool"]?.stringValue ?? "?"
            let outcome = event.facts["outcome"]?.stringValue ?? "?"
            let rule = event.facts["rule"]?.stringValue.map { " (rule " + style.bold($0) + ")" } ?? ""
            let said: String
            switch outcome {
            case "executed": said = style.green("ok")
            case "held": said = style.yellow("held for a person") + rule
            default: said = style.yellow(outcome) + rule
            }
            print(style.cyan("[ava]") + " \(tool) -> \(said)")
        }
        let run = try await runs.run(id: key)
        let state = run?.state.rawValue ?? "unknown"
        let painted = run?.state == .delivered ? style.green(state) : style.yellow(state)
        print("Run \(name) ended " + painted + (request.note.map { style.dim("  (\($0))") } ?? ""))
        return run
    }

    func waitFor(seconds: Double, _ condition: @escaping () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    /// The demo upstream's outbox: sent email (`to`) and payments (`paid`), one JSON object a line.
    func outbox() -> [JSONValue] {
        let path = CellLayout(dataDirectory: directory).demoOutbox
        return ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? StrictJSONParser().parse(Array($0.utf8))
        }
    }
}

/// The person at the inbox: approves what only trusted sources back, denies what came from the email (and says
/// why). Runs beside Ava's run until cancelled; returns what went wrong.
struct DemoApprover: Sendable {
    let style: DemoStyle
    let name: String

    func act(_ service: ApprovalService) async -> [String] {
        var seen: Set<String> = []
        var failures: [String] = []
        while !Task.isCancelled {
            let pending = (try? await service.store.pending(now: Date())) ?? []
            for request in pending where request.agent == "warden-agent:\(DemoAgent.name)" && !seen.contains(request.id)
            {
                seen.insert(request.id)
                let provenance = request.action?["provenance"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let arguments = request.action?["arguments"].map { CanonicalJSON.string($0) } ?? "?"
                print(style.cyan("[\(name), a person]") + " inbox shows \(request.id): \(request.tool) \(arguments)")
                for line in provenance.prefix(2) { print(style.dim("    provenance: \(line)")) }
                let reasons = request.action?["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
                if provenance.isEmpty, let reason = reasons.first {
                    print(style.dim("    held because: \(ApprovalDisplay.escaped(reason))"))
                }
                let approve = provenance.isEmpty
                do {
                    _ = try await service.decide(
                        id: request.id, approver: name, approve: approve,
                        reason: approve ? "approved invoice, vendor account on file" : "the values came from an email")
                    print(
                        style.cyan("[\(name), a person]")
                            + (approve ? style.green(" approves") : style.yellow(" denies")) + " \(request.id)")
                } catch {
                    failures.append("the demo's approver could not decide \(request.id): \(error)")
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return failures
    }
}

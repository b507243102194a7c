import Foundation
import Testing
import WardenCore

@testable import WardenGateway

@Suite("agents: in the configuration: every field checked, every error names file, line and key")
struct AgentConfigurationTests {
    static let base = """
        tenant: acme
        listeners:
          agents:
            bind: 127.0.0.1:8790
            allow: [127.0.0.1/32]
        upstreams:
          billing:
            transport: stdio
            command: [python3, server.py]
            tools:
              lookup_invoice: read
              pay_invoice: spend
        roles:
          payables: [read, spend]
        channels:
          webhook:
            signing_key: secret://webhook-key
        delivery:
          escalate_to: {webhook: "https://ops.acme.example/escalations"}
        approvals:
          notify: {webhook: "https://ops.acme.example/approvals"}
          spend_amounts:
            billing.pay_invoice: {amount: amount, currency: EUR}
        """

    static let ava = """
        agents:
          ava:
            role: payables
            instructions: You are Ava, accounts payable at Acme.
            task: Chase overdue invoices and pay approved ones.
            model:
              endpoint: https://api.openai.com/v1
              model: gpt-4o
              api_key: secret://openai-key
            schedule:
              - cron: "0 7 * * MON-FRI"
                time_zone: Europe/Berlin
              - {cron: "@daily"}
            missed: skip
            limits: {steps: 12, tokens: 20000, wall_seconds: 600, spend: {per_run: {EUR: "500.00"}}}
        """

    func load(_ agents: String) throws -> CellConfiguration {
        try ConfigurationLoader.parse(
            Self.base + "\n" + agents, file: "warden.yaml", baseDirectory: "/srv/warden", literalSecretDetector: nil)
    }

    func error(_ agents: String) -> ConfigurationError? {
        configurationError { _ = try load(agents) }
    }

    /// The error of Ava's configuration when `fragment` is taken out of the base (a setting the agent needs).
    func errorWithout(_ fragment: String) throws -> ConfigurationError {
        let text = Self.base.replacingOccurrences(of: fragment, with: "")
        #expect(text != Self.base, "the fragment is in the base")
        return try #require(
            configurationError {
                _ = try ConfigurationLoader.parse(
                    text + "\n" + Self.ava, file: "warden.yaml", baseDirectory: "/srv", literalSecretDetector: nil)
            })
    }

    @Test("a full agent loads: role, schedules in their zones, missed-slot rule, limits, its own spend budget")
    func loads() throws {
        let configuration = try load(Self.ava)
        let ava = try #require(configuration.agents.first)
        #expect(ava.name == "ava" && ava.role == "payables" && ava.subject == "warden-agent:ava")
        #expect(ava.schedules.map(\.expression) == ["0 7 * * MON-FRI", "@daily"])
        #expect(ava.schedules.first?.timeZone.identifier == "Europe/Berlin")
        #expect(ava.schedules.last?.timeZone.secondsFromGMT() == 0)
        #expect(ava.missedSlots == .skip)
        #expect(ava.limits.steps == 12 && ava.limits.tokens == 20_000 && ava.limits.wallSeconds == 600)
        #expect(ava.model.apiKey != nil && ava.model.flavor == .openAI)
        #expect(configuration.approvals.budgets(of: "warden-agent:ava").perRun["EUR"]?.description == "500.0000")
        #expect(configuration.approvals.budgets(of: "someone-else").perRun.isEmpty)
    }

    @Test("a bad cron expression is refused at its line, naming the field")
    func badCron() throws {
        let e = try #require(error(Self.ava.replacingOccurrences(of: "0 7 * * MON-FRI", with: "0 25 * * MON-FRI")))
        #expect(e.line == 34)
        #expect(e.message.contains("hour field"))
    }

    @Test("an unknown or ambiguous time zone is refused")
    func badZone() throws {
        let e = try #require(error(Self.ava.replacingOccurrences(of: "Europe/Berlin", with: "CET")))
        #expect(e.line == 35)
    }

    @Test("an API key must be a secret reference, never the key itself")
    func literalKeyRefused() throws {
        let e = try #require(error(Self.ava.replacingOccurrences(of: "secret://openai-key", with: "sk-live-123")))
        #expect(e.message.contains("secret reference"))
    }

    @Test("a role the roles table does not have is refused (an agent gets exactly its role)")
    func unknownRole() throws {
        let e = try #require(error(Self.ava.replacingOccurrences(of: "role: payables", with: "role: admin")))
        #expect(e.message.contains("role 'admin'"))
    }

    @Test("plain http to a model is refused unless loopback and allowed")
    func insecureEndpoint() throws {
        let remote = Self.ava.replacingOccurrences(of: "https://api.openai.com/v1", with: "http://models.example/v1")
        #expect(error(remote)?.message.contains("https") == true)
        let local = Self.ava.replacingOccurrences(
            of: "https://api.openai.com/v1", with: "http://127.0.0.1:8080/v1\n      allow_insecure_http: true")
        #expect(error(local) == nil)
    }

    @Test("an agent with nobody to tell (no escalate_to anywhere) is refused")
    func needsEscalationTarget() throws {
        let e = try errorWithout("delivery:\n  escalate_to: {webhook: \"https://ops.acme.example/escalations\"}")
        #expect(e.message.contains("needs someone to tell"))
    }

    @Test("agents whose calls can be held need approvals.notify: someone must be told that a call waits")
    func heldAgentsNeedNotify() throws {
        let e = try errorWithout("  notify: {webhook: \"https://ops.acme.example/approvals\"}\n")
        #expect(e.message.contains("approvals.notify"))
    }

    @Test("a spend budget (an agent's own too) needs every spend tool's amount declared")
    func budgetsNeedSpendAmounts() throws {
        let e = try errorWithout("\n  spend_amounts:\n    billing.pay_invoice: {amount: amount, currency: EUR}")
        #expect(e.message.contains("spend_amounts must name the amount of billing.pay_invoice"))
    }

    @Test("a run's wall time must fit inside the delivery contract's run deadline")
    func wallTimeWithinDeadline() throws {
        let e = try #require(error(Self.ava.replacingOccurrences(of: "wall_seconds: 600", with: "wall_seconds: 7200")))
        #expect(e.message.contains("delivery.run_deadline_seconds"))
    }

    @Test("names, missed-slot rules, limits and flavors outside their grammar are refused")
    func otherRefusals() throws {
        #expect(
            error(Self.ava.replacingOccurrences(of: "  ava:", with: "  Ava:"))?.message.contains("agent name") == true)
        #expect(error(Self.ava.replacingOccurrences(of: "missed: skip", with: "missed: all")) != nil)
        #expect(error(Self.ava.replacingOccurrences(of: "steps: 12", with: "steps: 0")) != nil)
        #expect(
            error(Self.ava.replacingOccurrences(of: "model: gpt-4o", with: "model: gpt-4o\n      flavor: azure")) != nil
        )
        #expect(
            error(Self.ava.replacingOccurrences(of: "    missed: skip", with: "    missed: skip\n    extra: 1")) != nil)
        #expect(error(Self.ava.replacingOccurrences(of: "@daily", with: "@reboot")) != nil)
    }
}

import Foundation
import Testing
import WardenCore
import WardenSchema

@testable import WardenGateway

/// Which calls wait for a person besides containment's: a Cedar permit annotated `@hold`, and a spend over the
/// agent's budgets. Both hold through the approval gate; an approved call runs once and counts.
@Suite("Policy holds and spend budgets")
struct PolicyHoldAndBudgetTests {
    static func budgets(perRun: String? = "1000", perDay: String? = "1500") -> ApprovalSettings {
        var settings = ApprovalSettings()
        settings.spend = .overBudget
        settings.spendAmounts = ["ap.pay": SpendAmountReading(amountArgument: "amount", currency: .fixed("EUR"))]
        if let perRun { settings.perRun = ["EUR": ScaledDecimal(text: perRun)!] }
        if let perDay { settings.perDay = ["EUR": ScaledDecimal(text: perDay)!] }
        return settings
    }

    static func fixture(_ settings: ApprovalSettings) async throws -> ContainmentPipelineTests.Fixture {
        try await ContainmentPipelineTests.fixture(gates: { store, ledger in
            [
                SpendBudgetGate(store: store, settings: settings),
                ApprovalGate(store: store, ledger: ledger, effects: settings.spend == .always ? [.spend] : []),
            ]
        })
    }

    func pay(_ amount: JSONValue) -> [String: JSONValue] {
        ["iban": "GB82WEST12345698765432", "amount": amount]
    }

    func rule(_ outcome: ToolCallOutcome) -> String? {
        switch outcome {
        case .refused(let refusal, _), .held(let refusal): return refusal.rule
        case .executed: return "executed"
        default: return "other"
        }
    }

    @Test("spends within the run's budget run; the one that would exceed it is held, naming the totals")
    func overRunBudgetIsHeld() async throws {
        let f = try await Self.fixture(Self.budgets())
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        #expect(rule(await f.call("ap.pay", pay(600))) == "executed")
        #expect(rule(await f.call("ap.pay", pay(400))) == "executed")
        let held = await f.call("ap.pay", pay(0.01))
        guard case .held(let refusal) = held else {
            Issue.record("expected a hold, got \(held)")
            return
        }
        #expect(refusal.rule == "budget.exceeded")
        #expect(refusal.message.contains("the run would spend 1000.01 EUR of its 1000.00 EUR budget"))
    }

    @Test("an agent's own budget (limits.spend of Warden's agents) replaces the cell's budgets for that agent")
    func agentBudgetReplacesTheCellsBudgets() async throws {
        var settings = Self.budgets()
        settings.agentBudgets["ap-agent"] = SpendBudgets(perRun: ["EUR": ScaledDecimal(text: "100")!], perDay: [:])
        let f = try await Self.fixture(settings)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        #expect(rule(await f.call("ap.pay", pay(50))) == "executed")
        let held = await f.call("ap.pay", pay(60))
        guard case .held(let refusal) = held else {
            Issue.record("expected a hold, got \(held)")
            return
        }
        #expect(refusal.message.contains("the run would spend 110.00 EUR of its 100.00 EUR budget"))
    }

    @Test("an agent with 100 actions waiting for a person is refused further holds under a rule that says so")
    func tooManyPendingNamesItsRule() async throws {
        let f = try await Self.fixture(ApprovalSettings())  // spend: always
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        for cents in 1...100 {
            #expect(rule(await f.call("ap.pay", pay(.integer(Int64(cents))))) == "approval.required")
        }
        let refused = await f.call("ap.pay", pay(101))
        guard case .refused(let refusal, _) = refused else {
            Issue.record("expected a refusal, got \(refused)")
            return
        }
        #expect(refusal.rule == "approval.too-many-pending")
        #expect(await f.payments == 0)
    }

    @Test("the day's budget spans the agent's runs")
    func dayBudgetSpansRuns() async throws {
        let f = try await Self.fixture(Self.budgets())
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        #expect(rule(await f.call("ap.pay", pay(900), run: "morning")) == "executed")
        #expect(rule(await f.call("ap.pay", pay(500), run: "noon")) == "executed")
        #expect(rule(await f.call("ap.pay", pay(200), run: "evening")) == "budget.exceeded")
    }

    @Test("an approved spend over budget runs once, and counts against what follows")
    func approvedOverBudgetRunsOnceAndCounts() async throws {
        let f = try await Self.fixture(Self.budgets(perRun: "1000", perDay: nil))
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        #expect(rule(await f.call("ap.pay", pay(1200))) == "budget.exceeded")
        let pending = try #require(try await f.approvals.pending(now: Date()).first)
        _ = try await f.approvals.decide(id: pending.id, approver: "controller", approve: true, now: Date())
        #expect(rule(await f.call("ap.pay", pay(1200))) == "executed")
        // Used once: the identical call is held again; and the run's total now includes the approved 1200.
        #expect(rule(await f.call("ap.pay", pay(1200))) == "budget.exceeded")
        #expect(rule(await f.call("ap.pay", pay(1))) == "budget.exceeded")
        #expect(await f.payments == 1)
        // The repeated payment's new request shows the approver that this exact action ran before.
        let repeated = try #require(
            try await f.approvals.pending(now: Date()).first { $0.actionDigest == pending.actionDigest })
        let earlier = try await f.approvals.earlierDecisions(of: repeated)
        #expect(earlier.map(\.id) == [pending.id] && earlier.first?.state == .used)
    }

    @Test("a currency no budget covers is held; an amount the budget cannot read is refused")
    func unreadableOrUnbudgeted() async throws {
        var settings = Self.budgets()
        settings.spendAmounts["ap.pay"] = SpendAmountReading(amountArgument: "amount", currency: .fixed("USD"))
        let f = try await Self.fixture(settings)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        #expect(rule(await f.call("ap.pay", pay(1))) == "budget.exceeded")
        var undeclared = Self.budgets()
        undeclared.spendAmounts = [:]
        let g = try await Self.fixture(undeclared)
        defer { try? FileManager.default.removeItem(atPath: g.directory) }
        #expect(rule(await g.call("ap.pay", pay(1))) == "budget.amount-undeclared")
        #expect(await g.payments == 0)
    }

    @Test("concurrent spends cannot overrun a budget together")
    func concurrentSpendsStayWithinBudget() async throws {
        let f = try await Self.fixture(Self.budgets(perRun: "1000", perDay: nil))
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let executed = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<6 {
                group.addTask {
                    if case .executed = await f.call(
                        "ap.pay", ["iban": "GB82WEST12345698765432", "amount": .integer(300 + Int64(index))])
                    {
                        return true
                    }
                    return false
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(executed == 3)
    }

    @Test("amounts are read strictly: decimal strings, at most four decimals, never negative")
    func amountReading() {
        let reading = SpendAmountReading(amountArgument: "amount", currency: .argument("currency"))
        #expect(reading.amount(["amount": "1250.00"]) == ScaledDecimal(text: "1250"))
        #expect(reading.amount(["amount": 12.5]) == ScaledDecimal(text: "12.5"))
        for bad: JSONValue in ["1,250.00", "1e3", "-5", ".", "1.", "12.34567", -1, "EUR 5"] {
            #expect(reading.amount(["amount": bad]) == nil, "\(bad)")
        }
        #expect(reading.currencyCode(["currency": "eur"]) == "EUR")
        #expect(SpendBudgetGate.money(10_000_100) == "1000.01")
        #expect(SpendBudgetGate.money(10_000_000) == "1000.00")
        #expect(SpendBudgetGate.money(123_456) == "12.3456")
        #expect(reading.currencyCode(["currency": "EURO"]) == nil)
    }

    static let holdPolicy = """
        permit (principal, action, resource);
        @hold("payments over 1000 need the controller")
        permit (principal, action == Action::"ap.pay", resource)
        when { context.args has amount && context.args.amount.greaterThan(decimal("1000.0")) };
        """

    @Test("a permit annotated @hold holds the calls it matches, with its reason; others run")
    func policyHold() async throws {
        let f = try await ContainmentPipelineTests.fixture(
            gates: { store, ledger in [ApprovalGate(store: store, ledger: ledger, effects: [])] },
            policy: Self.holdPolicy)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        #expect(rule(await f.call("ap.pay", pay(5))) == "executed")
        let held = await f.call("ap.pay", pay(5000))
        guard case .held(let refusal) = held else {
            Issue.record("expected a hold, got \(held)")
            return
        }
        #expect(refusal.rule == "policy.hold")
        #expect(refusal.message.contains("payments over 1000 need the controller"))
        let pending = try #require(try await f.approvals.pending(now: Date()).first)
        _ = try await f.approvals.decide(id: pending.id, approver: "controller", approve: true, now: Date())
        #expect(rule(await f.call("ap.pay", pay(5000))) == "executed")
        #expect(rule(await f.call("ap.pay", pay(5000))) == "policy.hold")
    }

    @Test("where no person can be asked, a policy hold refuses")
    func policyHoldWithoutApprover() async throws {
        let f = try await ContainmentPipelineTests.fixture(gates: { _, _ in [] }, policy: Self.holdPolicy)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        #expect(rule(await f.call("ap.pay", pay(5000))) == "policy.hold")
        #expect(await f.payments == 0)
    }

    @Test("@hold on a forbid is a policy error")
    func holdOnForbidIsRefused() async throws {
        let text = "@hold(\"x\")\nforbid (principal, action, resource);\npermit (principal, action, resource);\n"
        #expect(throws: PolicyLoadError.self) {
            try PolicyFileWatcher.compile(
                text: text, fileName: "p.cedar", classifications: ["ap": ["pay": .spend]], catalog: ToolCatalog())
        }
    }
}

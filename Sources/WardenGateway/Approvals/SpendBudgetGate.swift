import Foundation
import WardenCore
import WardenSchema

/// Spend budgets per agent: each spend's amount (read from the argument the configuration names, in its
/// currency) is added to what the run and the agent's UTC day have spent. A spend over a budget — or in a currency
/// no budget covers — needs a person; within budget it passes (and with `approvals.spend: over_budget` runs
/// without one). A spend whose amount or currency cannot be read is refused: a budget never skips what it cannot
/// see. Each spend reserves its share, committed when the call runs, so concurrent spends cannot overrun a budget.
public struct SpendBudgetGate: ToolCallGate {
    let store: ApprovalStore
    let settings: ApprovalSettings

    public init(store: ApprovalStore, settings: ApprovalSettings) {
        self.store = store
        self.settings = settings
    }

    public func check(_ call: ToolCallRequest) async -> CheckVerdict {
        guard call.entry.effect == .spend, settings.hasBudgets else { return .notApplicable }
        let tool = call.entry.name.description
        guard let reading = settings.spendAmounts[tool] else {
            return .refuse(
                Refusal(
                    rule: "budget.amount-undeclared",
                    message: "\(tool) is a spend tool, but approvals.spend_amounts does not name its amount argument"))
        }
        guard let amount = reading.amount(call.arguments) else {
            return .refuse(
                Refusal(
                    rule: "budget.amount-unreadable",
                    message:
                        "the amount in '\(reading.amountArgument)' is not a non-negative decimal with at most four "
                        + "decimals"))
        }
        guard let currency = reading.currencyCode(call.arguments) else {
            return .refuse(Refusal(rule: "budget.currency-unreadable", message: "the currency is not a 3-letter code"))
        }
        let now = Date()
        let check: ApprovalStore.SpendCheck
        do {
            check = try await store.reserveSpend(
                agent: call.principal.subject, run: call.run.id, currency: currency, amount: amount.scaled,
                dayStart: Self.dayStart(now), now: now)
        } catch {
            return .refuse(
                Refusal(rule: "budget.store-unavailable", message: "the budget could not be checked; nothing was done"))
        }
        let store = self.store
        let id = check.id
        let reservation = Reservation(
            name: "budget", commit: { try await store.commitSpend(id: id) },
            release: { try? await store.releaseSpend(id: id) })
        var over: [String] = []
        let budgets = settings.budgets(of: call.principal.subject)
        let perRun = budgets.perRun[currency]
        let perDay = budgets.perDay[currency]
        if perRun == nil && perDay == nil { over.append("no budget covers \(currency)") }
        if let perRun, check.runTotal + amount.scaled > perRun.scaled {
            over.append(
                "the run would spend \(Self.money(check.runTotal + amount.scaled)) \(currency) of its "
                    + "\(Self.money(perRun.scaled)) \(currency) budget")
        }
        if let perDay, check.dayTotal + amount.scaled > perDay.scaled {
            over.append(
                "the agent would spend \(Self.money(check.dayTotal + amount.scaled)) \(currency) today "
                    + "of its \(Self.money(perDay.scaled)) \(currency) budget")
        }
        guard over.isEmpty else {
            return .needsHuman(
                Refusal(rule: "budget.exceeded", message: "over budget: " + over.joined(separator: "; ")),
                reservations: [reservation])
        }
        return .pass(evidence: ["budget.within:\(currency)"], reservations: [reservation])
    }

    /// An amount in ten-thousandths as a person reads money: at least two decimals (`1000.00`, `12.3456`).
    static func money(_ scaled: Int64) -> String {
        var text = ScaledDecimal(scaled: scaled).description
        if !text.contains(".") { text += ".00" }
        while let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 3, text.hasSuffix("0") {
            text.removeLast()
        }
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) == 2 { text += "0" }
        return text
    }

    /// Midnight UTC of `now`'s day.
    static func dayStart(_ now: Date) -> Date {
        let seconds = now.timeIntervalSince1970
        return Date(timeIntervalSince1970: seconds - seconds.truncatingRemainder(dividingBy: 86_400))
    }
}

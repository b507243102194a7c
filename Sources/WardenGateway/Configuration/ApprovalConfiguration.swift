import WardenCore
import WardenSchema

/// `approvals:` — when a spend waits for a person, and the spend budgets per agent.
public struct ApprovalSettings: Sendable {
    /// `always` (the default): every spend waits for a person. `over_budget`: a spend within the agent's budgets
    /// runs, one over them (or in a currency without a budget) waits.
    public enum SpendRule: String, Sendable {
        case always
        case overBudget = "over_budget"
    }

    public var spend = SpendRule.always
    /// How each spend tool's amount and currency are read (`server.tool` → reading).
    public var spendAmounts: [String: SpendAmountReading] = [:]
    /// Per currency (ISO 4217 code): the most one run may spend, and one agent per UTC day.
    public var perRun: [String: ScaledDecimal] = [:]
    public var perDay: [String: ScaledDecimal] = [:]

    /// Budgets of single agents (Warden's own agents' `limits.spend`), replacing the ones above for them.
    public var agentBudgets: [String: SpendBudgets] = [:]

    public var hasBudgets: Bool { !perRun.isEmpty || !perDay.isEmpty || !agentBudgets.isEmpty }

    /// The budgets that apply to `subject`'s spends.
    public func budgets(of subject: String) -> SpendBudgets {
        agentBudgets[subject] ?? SpendBudgets(perRun: perRun, perDay: perDay)
    }
    /// Where approvers are told of a new request (Warden's own webhook or e-mail channel); nil: nobody is told.
    public var notify: EscalationTarget?
    /// Delivery attempts of one notice before it is marked failed (and stays visible in a gauge).
    public var notifyAttempts = 8
    /// Approvers are reminded of a request still pending this long before it expires (0: no reminder).
    public var remindBeforeSeconds = 3_600
    /// How long a request waits for a decision, and an approval for its use.
    public var requestSeconds = 86_400
    /// How long a held `tools/call` from a client that accepts SSE is kept open, with progress, while a person decides
    /// (0: the hold is answered at once; the identical call completes it later).
    public var waitSeconds = 0

    public init() {}
}

/// Per currency: the most one run may spend, and one agent per UTC day.
public struct SpendBudgets: Sendable {
    public var perRun: [String: ScaledDecimal]
    public var perDay: [String: ScaledDecimal]

    public init(perRun: [String: ScaledDecimal], perDay: [String: ScaledDecimal]) {
        self.perRun = perRun
        self.perDay = perDay
    }
}

/// Where a spend tool's call names its amount and currency.
public struct SpendAmountReading: Sendable, Hashable {
    public enum Currency: Sendable, Hashable {
        case fixed(String)
        case argument(String)
    }

    public var amountArgument: String
    public var currency: Currency

    public init(amountArgument: String, currency: Currency) {
        self.amountArgument = amountArgument
        self.currency = currency
    }

    /// The call's amount: a JSON number or a decimal string (`"1250.00"`), at most four decimals, not negative.
    public func amount(_ arguments: [String: JSONValue]) -> ScaledDecimal? {
        let value: ScaledDecimal?
        switch arguments[amountArgument] {
        case .string(let text)?: value = ScaledDecimal(text: text)
        case let number?: value = ScaledDecimal(json: number)
        case nil: value = nil
        }
        guard let value, value.scaled >= 0 else { return nil }
        return value
    }

    /// The call's currency code (three letters, upper-cased).
    public func currencyCode(_ arguments: [String: JSONValue]) -> String? {
        let code: String?
        switch currency {
        case .fixed(let fixed): code = fixed
        case .argument(let name): code = arguments[name]?.stringValue?.uppercased()
        }
        guard let code, Self.isCurrencyCode(code) else { return nil }
        return code
    }

    static func isCurrencyCode(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }
}

extension ConfigurationLoader {
    static func approvalSettings(
        _ reader: YAMLReader?, channels: ChannelSettings
    ) throws(ConfigurationError) -> ApprovalSettings {
        var settings = ApprovalSettings()
        guard let reader else { return settings }
        var m = try reader.mapping()
        let spendReader = m.optional("spend")
        if let spendReader {
            let value = try spendReader.nonEmptyString()
            guard let rule = ApprovalSettings.SpendRule(rawValue: value) else {
                throw spendReader.error("spend is always or over_budget, not '\(value)'")
            }
            settings.spend = rule
        }
        if let amountsReader = m.optional("spend_amounts") {
            var amounts = try amountsReader.mapping()
            for (tool, toolReader) in amounts.all() {
                guard QualifiedToolName(parsing: tool) != nil else {
                    throw toolReader.error("'\(tool)' is not server.tool")
                }
                var t = try toolReader.mapping()
                let amount = try t.required("amount").nonEmptyString()
                let currency: SpendAmountReading.Currency
                if let fixed = t.optional("currency") {
                    let code = try fixed.nonEmptyString()
                    guard SpendAmountReading.isCurrencyCode(code) else {
                        throw fixed.error("currency is a three-letter code such as EUR")
                    }
                    currency = .fixed(code)
                } else if let argument = t.optional("currency_argument") {
                    currency = .argument(try argument.nonEmptyString())
                } else {
                    throw toolReader.error("name the currency: currency: EUR, or currency_argument: <argument>")
                }
                try t.finish()
                settings.spendAmounts[tool] = SpendAmountReading(amountArgument: amount, currency: currency)
            }
            try amounts.finish()
        }
        if let notifyReader = m.optional("notify") {
            var t = try notifyReader.mapping()
            if let webhookReader = t.optional("webhook") {
                guard channels.webhook != nil else {
                    throw webhookReader.error("notices by webhook need channels.webhook (its signing key)")
                }
                let url = try webhookReader.nonEmptyString()
                try requireURL(url, reader: webhookReader)
                settings.notify = .webhook(url: url)
            } else if let emailReader = t.optional("email") {
                guard channels.email != nil else { throw emailReader.error("notices by email need channels.email") }
                settings.notify = .email(address: try emailReader.nonEmptyString())
            } else {
                throw notifyReader.error("name a webhook or an email address")
            }
            try t.finish()
        }
        if let r = m.optional("notify_attempts") { settings.notifyAttempts = try r.integer(in: 1...100) }
        if let r = m.optional("remind_before_seconds") { settings.remindBeforeSeconds = try r.integer(in: 0...604_800) }
        if let r = m.optional("request_seconds") { settings.requestSeconds = try r.integer(in: 30...604_800) }
        if let r = m.optional("wait_seconds") { settings.waitSeconds = try r.integer(in: 0...300) }
        if let budgetsReader = m.optional("budgets") {
            var b = try budgetsReader.mapping()
            if let r = b.optional("per_run") { settings.perRun = try limits(r) }
            if let r = b.optional("per_day") { settings.perDay = try limits(r) }
            try b.finish()
        }
        try m.finish()
        if settings.spend == .overBudget && !settings.hasBudgets {
            throw (spendReader ?? reader).error("spend: over_budget needs budgets (per_run and/or per_day)")
        }
        return settings
    }

    /// `{EUR: "1000.00", USD: 500}`: a currency code → a decimal limit.
    static func limits(_ reader: YAMLReader) throws(ConfigurationError) -> [String: ScaledDecimal] {
        var m = try reader.mapping()
        var limits: [String: ScaledDecimal] = [:]
        for (code, valueReader) in m.all() {
            guard SpendAmountReading.isCurrencyCode(code) else {
                throw valueReader.error("'\(code)' is not a three-letter currency code")
            }
            let text = try valueReader.nonEmptyString()
            guard let limit = ScaledDecimal(text: text), limit.scaled >= 0 else {
                throw valueReader.error("a budget is a decimal amount such as \"1000.00\", not '\(text)'")
            }
            limits[code] = limit
        }
        try m.finish()
        return limits
    }
}

import Foundation
import WardenCore
import WardenSchedule
import WardenSchema

/// One of Warden's own agents (`agents:`): an AI employee that runs on a schedule through the same call pipeline
/// as any external agent, under its own principal and role. Nothing here grants it more than its role.
public struct AgentDefinition: Sendable {
    /// Subjects of Warden's own agents start with this; an access token claiming such a subject is refused, so no
    /// external caller can act as (or share runs and budgets with) one of them.
    public static let subjectPrefix = "warden-agent:"
    /// The issuer recorded for Warden's own agents.
    public static let issuer = "warden:agents"

    public var name: String
    /// The agent's Cedar principal role.
    public var role: String
    /// Trusted: the administrator's words (with the run's task, the only trusted input of a run).
    public var instructions: String
    /// What a scheduled run is asked to do (trusted, like the instructions).
    public var task: String
    public var model: AgentModelSettings
    public var schedules: [CronSchedule]
    public var missedSlots: MissedSlots
    public var limits: AgentLimits
    /// Where this agent's escalations go; nil: `delivery.escalate_to`.
    public var escalateTo: EscalationTarget?

    /// What the scheduler does with slots that passed while the cell was down.
    public enum MissedSlots: String, Sendable {
        /// Run once for the newest missed slot (the others are recorded as skipped).
        case latest
        /// Run none of them (each is recorded as skipped).
        case skip
    }

    public init(
        name: String, role: String, instructions: String, task: String, model: AgentModelSettings,
        schedules: [CronSchedule], missedSlots: MissedSlots, limits: AgentLimits, escalateTo: EscalationTarget?
    ) {
        self.name = name
        self.role = role
        self.instructions = instructions
        self.task = task
        self.model = model
        self.schedules = schedules
        self.missedSlots = missedSlots
        self.limits = limits
        self.escalateTo = escalateTo
    }

    public var subject: String { Self.subjectPrefix + name }

    public func principal(tenant: String) -> Principal {
        Principal(tenant: tenant, subject: subject, issuer: Self.issuer, roles: [role])
    }

    /// 1–63 characters: lower-case letters, digits, `-` and `_`, starting with a letter or digit.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func allowed(_ b: UInt8, first: Bool) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || (!first && (b == UInt8(ascii: "-") || b == UInt8(ascii: "_")))
        }
        return bytes.enumerated().allSatisfy { allowed($0.element, first: $0.offset == 0) }
    }
}

/// How to reach an agent's model: an OpenAI-compatible chat completions endpoint.
public struct AgentModelSettings: Sendable {
    public enum Flavor: Sendable, Equatable {
        /// OpenAI, vLLM, llama.cpp server, Ollama: `POST {endpoint}/chat/completions`, `Authorization: Bearer`.
        case openAI
        /// Azure OpenAI: the deployment in the path, `api-version` in the query, an `api-key` header.
        case azure(apiVersion: String)
    }

    public var flavor: Flavor
    public var endpoint: String
    public var model: String
    /// A `secret://name` reference (never a literal key); nil for local servers without keys.
    public var apiKey: SecretTemplate?
    public var timeoutSeconds = 60
    public var attempts = 4
    public var tokenParameter = "max_tokens"
    /// Loopback `http://` endpoints are allowed only when set (local model servers, tests).
    public var allowInsecureHTTP = false

    public init(flavor: Flavor, endpoint: String, model: String) {
        self.flavor = flavor
        self.endpoint = endpoint
        self.model = model
    }
}

/// Hard limits of one run of an agent: when one is reached, the run is escalated.
public struct AgentLimits: Sendable {
    /// Model turns in one run.
    public var steps = 20
    /// Tool calls in one run.
    public var calls = 100
    /// Tool calls the model may ask for in one reply (more are refused, `agent.calls-per-reply`).
    public var callsPerReply = 8
    /// Tokens (prompt and completion, as the endpoint reports them or estimated) in one run.
    public var tokens = 100_000
    /// Completion tokens the model may write in one reply.
    public var replyTokens = 4_096
    /// Wall time of one run.
    public var wallSeconds = 900
    /// The agent's own spend budgets (replace `approvals.budgets` for this agent): a spend over them waits for a
    /// person.
    public var spendPerRun: [String: ScaledDecimal] = [:]
    public var spendPerDay: [String: ScaledDecimal] = [:]

    public init() {}
}

extension ConfigurationLoader {
    /// `agents:` — Warden's own AI employees.
    static func agentDefinitions(
        _ reader: YAMLReader?, base: String, roles: [String: Set<EffectClass>], rolesFromTable: Bool,
        delivery: DeliverySettings, channels: ChannelSettings
    ) throws(ConfigurationError) -> [AgentDefinition] {
        guard let reader else { return [] }
        var m = try reader.mapping()
        var agents: [AgentDefinition] = []
        for (name, agentReader) in m.all() {
            guard AgentDefinition.isValidName(name) else {
                throw agentReader.error(
                    "agent name '\(name)': 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit"
                )
            }
            agents.append(
                try agentDefinition(
                    name: name, agentReader, base: base, roles: roles, rolesFromTable: rolesFromTable,
                    delivery: delivery, channels: channels))
        }
        try m.finish()
        return agents.sorted { $0.name < $1.name }
    }

    static func agentDefinition(
        name: String, _ reader: YAMLReader, base: String, roles: [String: Set<EffectClass>], rolesFromTable: Bool,
        delivery: DeliverySettings, channels: ChannelSettings
    ) throws(ConfigurationError) -> AgentDefinition {
        var a = try reader.mapping()
        let roleReader = try a.required("role")
        let role = try roleReader.nonEmptyString()
        if rolesFromTable, roles[role] == nil {
            throw roleReader.error("role '\(role)' is not in roles: (an agent gets exactly its role's tools)")
        }
        let instructions: String
        switch (a.optional("instructions"), a.optional("instructions_file")) {
        case (let text?, nil):
            instructions = try text.nonEmptyString()
        case (nil, let file?):
            let path = resolvePath(try file.nonEmptyString(), base: base)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else { throw file.error("cannot read the instructions file \(path) (or it is empty)") }
            instructions = text
        case (_?, _?):
            throw reader.error("give instructions or instructions_file, not both")
        case (nil, nil):
            throw reader.error("an agent needs instructions (or instructions_file)")
        }
        let task = try a.required("task").nonEmptyString()
        let model = try agentModel(try a.required("model"))
        var schedules: [CronSchedule] = []
        if let scheduleReader = a.optional("schedule") {
            for entry in try scheduleReader.sequence() {
                var s = try entry.mapping()
                let cronReader = try s.required("cron")
                let zoneReader = s.optional("time_zone")
                let zoneName = try zoneReader?.nonEmptyString() ?? "UTC"
                let expression = try cronReader.nonEmptyString()
                let zone: TimeZone
                do throws(CronError) {
                    zone = try CronSchedule.timeZone(named: zoneName)
                } catch {
                    throw (zoneReader ?? entry).error(error.description)
                }
                do throws(CronError) {
                    schedules.append(try CronSchedule(parsing: expression, timeZone: zone))
                } catch {
                    throw cronReader.error(error.description)
                }
                try s.finish()
            }
        }
        var missed = AgentDefinition.MissedSlots.latest
        if let missedReader = a.optional("missed") {
            let value = try missedReader.nonEmptyString()
            guard let rule = AgentDefinition.MissedSlots(rawValue: value) else {
                throw missedReader.error("missed is latest or skip, not '\(value)'")
            }
            missed = rule
        }
        var limits = AgentLimits()
        let limitsReader = a.optional("limits")
        if let limitsReader {
            var l = try limitsReader.mapping()
            if let r = l.optional("steps") { limits.steps = try r.integer(in: 1...500) }
            if let r = l.optional("calls") { limits.calls = try r.integer(in: 1...10_000) }
            if let r = l.optional("calls_per_reply") { limits.callsPerReply = try r.integer(in: 1...64) }
            if let r = l.optional("tokens") { limits.tokens = try r.integer(in: 100...100_000_000) }
            if let r = l.optional("reply_tokens") { limits.replyTokens = try r.integer(in: 16...1_000_000) }
            if let r = l.optional("wall_seconds") { limits.wallSeconds = try r.integer(in: 5...86_400) }
            if let spendReader = l.optional("spend") {
                var s = try spendReader.mapping()
                if let r = s.optional("per_run") { limits.spendPerRun = try self.limits(r) }
                if let r = s.optional("per_day") { limits.spendPerDay = try self.limits(r) }
                try s.finish()
            }
            try l.finish()
        }
        var escalateTo: EscalationTarget?
        if let targetReader = a.optional("escalate_to") {
            escalateTo = try escalationTarget(targetReader, channels: channels)
        }
        try a.finish()
        if limits.wallSeconds > delivery.runDeadlineSeconds {
            throw (limitsReader ?? reader).error(
                "limits.wall_seconds (\(limits.wallSeconds)) is longer than delivery.run_deadline_seconds "
                    + "(\(delivery.runDeadlineSeconds)): the run would end under the agent")
        }
        if escalateTo == nil, delivery.escalateTo == nil {
            throw reader.error(
                "agent '\(name)' needs someone to tell when a run does not deliver: escalate_to here or "
                    + "delivery.escalate_to")
        }
        return AgentDefinition(
            name: name, role: role, instructions: instructions, task: task, model: model, schedules: schedules,
            missedSlots: missed, limits: limits, escalateTo: escalateTo)
    }

    static func agentModel(_ reader: YAMLReader) throws(ConfigurationError) -> AgentModelSettings {
        var m = try reader.mapping()
        let endpointReader = try m.required("endpoint")
        let endpoint = try endpointReader.nonEmptyString()
        try requireURL(endpoint, reader: endpointReader)
        let modelName = try m.required("model").nonEmptyString()
        var flavor = AgentModelSettings.Flavor.openAI
        let flavorReader = m.optional("flavor")
        let versionReader = m.optional("api_version")
        switch try flavorReader?.nonEmptyString() ?? "openai" {
        case "openai":
            if let versionReader { throw versionReader.error("api_version is for flavor: azure only") }
        case "azure":
            guard let versionReader else { throw reader.error("flavor: azure needs api_version (e.g. \"2024-10-21\")") }
            flavor = .azure(apiVersion: try versionReader.nonEmptyString())
        case let other:
            throw (flavorReader ?? reader).error("flavor is openai or azure, not '\(other)'")
        }
        var settings = AgentModelSettings(flavor: flavor, endpoint: endpoint, model: modelName)
        if let keyReader = m.optional("api_key") {
            let template = try keyReader.secretTemplate()
            guard template.parts.contains(where: { if case .secret = $0 { true } else { false } }) else {
                throw keyReader.error("api_key is a secret reference (secret://name), never the key itself")
            }
            settings.apiKey = template
        }
        if let r = m.optional("timeout_seconds") { settings.timeoutSeconds = try r.integer(in: 1...600) }
        if let r = m.optional("attempts") { settings.attempts = try r.integer(in: 1...10) }
        if let r = m.optional("token_parameter") {
            let value = try r.nonEmptyString()
            guard value == "max_tokens" || value == "max_completion_tokens" else {
                throw r.error("token_parameter is max_tokens or max_completion_tokens, not '\(value)'")
            }
            settings.tokenParameter = value
        }
        if let r = m.optional("allow_insecure_http") { settings.allowInsecureHTTP = try r.bool() }
        try m.finish()
        if let url = URL(string: endpoint), url.scheme?.lowercased() == "http" {
            let host = url.host ?? ""
            let loopback = host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]"
            guard loopback, settings.allowInsecureHTTP else {
                throw endpointReader.error(
                    "a model endpoint is https; plain http only to a loopback address with allow_insecure_http: true")
            }
        }
        return settings
    }

    /// `{webhook: URL}` or `{email: ADDRESS}` on one of Warden's own channels.
    static func escalationTarget(
        _ reader: YAMLReader, channels: ChannelSettings
    ) throws(ConfigurationError) -> EscalationTarget {
        var t = try reader.mapping()
        let target: EscalationTarget
        if let webhookReader = t.optional("webhook") {
            guard channels.webhook != nil else {
                throw webhookReader.error("escalations by webhook need channels.webhook (its signing key)")
            }
            let url = try webhookReader.nonEmptyString()
            try requireURL(url, reader: webhookReader)
            target = .webhook(url: url)
        } else if let emailReader = t.optional("email") {
            guard channels.email != nil else { throw emailReader.error("escalations by email need channels.email") }
            target = .email(address: try emailReader.nonEmptyString())
        } else {
            throw reader.error("name a webhook or an email address")
        }
        try t.finish()
        return target
    }
}

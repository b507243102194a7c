import Foundation
import Logging
import WardenContainment
import WardenCore

/// The delivery contract's settings (`delivery:` in the configuration).
public struct DeliverySettings: Sendable {
    /// Runs of agents holding any of these roles must end delivered or escalated (interactive roles opt out by
    /// not being listed).
    public var requiredRoles: Set<String> = []
    /// `mutate`/`spend` tools (`server.tool`) whose executed call counts as a delivery; every `send` does.
    public var deliveryTools: Set<String> = []
    public var runDeadlineSeconds = 3_600
    public var runIdleSeconds = 900
    /// Where escalations go; nil: recorded and shown by `warden runs`, counted as not notified.
    public var escalateTo: EscalationTarget?
    /// Delivery attempts of one escalation notice before it is marked failed (and stays visible).
    public var maxNotifyAttempts = 8
    /// At most one notification per agent in this many seconds; its further notices go out together after it.
    public var notifyWindowSeconds = 60

    public init() {}
}

/// The channel a person is notified on.
public enum EscalationTarget: Sendable, Equatable {
    case webhook(url: String)
    case email(address: String)
}

/// Sends an escalation notice to a person (Warden's own channels: webhook or SMTP).
public protocol EscalationChannel: Sendable {
    func notify(_ notice: EscalationNotice, tenant: String) async throws
}

/// Keeps each run's state through recorded run events, and enforces the delivery contract: a run ends
/// *delivered* (an outbound action executed and recorded) or *escalated* (a person is notified with the
/// reason). A run that is closed, passes its deadline or goes idle without delivering is escalated
/// automatically when its agent is held to the contract. Every change is a ledger entry first.
public struct RunTracker: Sendable {
    public let store: any RunStore
    let audit: any AuditSink
    let settings: DeliverySettings
    let channel: (any EscalationChannel)?
    /// Channels of single agents (Warden's own agents' `escalate_to`), by subject; others use `channel`.
    let agentChannels: [String: any EscalationChannel]
    let tenant: String
    let logger: Logger
    /// Open runs and call counts in memory: the call path reads and writes no database.
    let memory = RunMemory()
    /// One consequential call at a time per run (see `RunActionLock`).
    public let actions = RunActionLock()
    /// When this cell started: idleness is not counted for the time it was down.
    let startedAt = Date()
    /// What each open run has read, and from where (containment's provenance index).
    let provenanceCache = RunProvenanceCache()

    public init(
        store: any RunStore, audit: any AuditSink, settings: DeliverySettings, channel: (any EscalationChannel)?,
        agentChannels: [String: any EscalationChannel] = [:], tenant: String, logger: Logger
    ) {
        self.store = store
        self.audit = audit
        self.settings = settings
        self.channel = channel
        self.agentChannels = agentChannels
        self.tenant = tenant
        self.logger = logger
    }

    /// Open runs one agent may have at once: each run that ends undelivered notifies a person, so an agent cannot
    /// open them without bound.
    public static let maximumOpenRunsPerAgent = 100

    /// The store key of `principal`'s run `name` (run names are scoped to their owner).
    public func key(name: String, subject: String) -> String { SQLiteRunStore.key(name: name, subject: subject) }

    /// `principal`'s run `name`, created on first use. A run name is scoped to its owner: another principal using
    /// the same name has a run of its own. An ended run, a malformed name, or too many open runs are refused.
    /// `deliveryRequired` holds the run to the contract whatever its roles (Warden's own agents' runs).
    public func context(
        name: String, sessionID: String, principal: Principal, deliveryRequired: Bool = false, now: Date = Date()
    ) async throws -> RunContext {
        guard RunRecord.isValidName(name) else { throw RunError.invalidID }
        let required = deliveryRequired || !settings.requiredRoles.isDisjoint(with: principal.roles)
        let defaults = RunDefaults(
            deliveryRequired: required, deadlineSeconds: settings.runDeadlineSeconds,
            idleSeconds: settings.runIdleSeconds)
        let id = key(name: name, subject: principal.subject)
        var run: RunRecord
        if let known = memory.run(id) {
            run = known
        } else if let existing = try await store.run(id: id) {
            run = existing
            memory.remember(existing)
        } else {
            // Refused before anything is recorded when the agent has too many open runs.
            guard try await store.openRuns(of: principal.subject) < Self.maximumOpenRunsPerAgent else {
                throw RunError.tooManyOpen(limit: Self.maximumOpenRunsPerAgent)
            }
            // A new run is in the ledger before it exists: `run.started` first, then the run.
            let started = RunEvent.started(
                subject: principal.subject, deliveryRequired: defaults.deliveryRequired,
                deadline: now.addingTimeInterval(TimeInterval(defaults.deadlineSeconds)),
                idleSeconds: defaults.idleSeconds)
            try await audit.record(.run(started, runID: id))
            (run, _) = try await store.open(
                name: name, subject: principal.subject, defaults: defaults, maxOpen: Self.maximumOpenRunsPerAgent,
                now: now)
            // A model carries what it read into its next run: steering text read lately marks the new run too.
            run = try await store.inheritInstructed(
                run.id, subject: principal.subject, since: now.addingTimeInterval(-ContainmentRules.crossRunWindow))
            memory.remember(run)
        }
        guard run.state == .open || run.state == .delivered else { throw RunError.ended(run.state) }
        // Held to the contract once any call of the run carries a required role (a down-scoped first token
        // does not exempt the run).
        if required && !run.deliveryRequired {
            try await store.requireDelivery(id)
            run.deliveryRequired = true
            memory.markDeliveryRequired(id)
        }
        var context = run.context
        context.sessionID = sessionID
        return context
    }

    /// Delivery bookkeeping after a call: the call is counted (in memory, written by the sweep: the pipeline's
    /// `tool.decision`/`tool.executed` entries, which name the run, are its record), and an executed delivery marks
    /// the run delivered (a run event, recorded before the reply).
    func afterCall(_ call: ToolCall, outcome: ToolCallOutcome) async {
        switch outcome {
        case .rateLimited, .runRefused, .notRecorded, .escalated:
            // Not counted: the run may not exist, and a flood must not cost the store anything.
            return
        case .executed(let result, let entry):
            memory.countCall(call.run.id, at: Date())
            let tool = entry.name.description
            let failed = result["isError"]?.boolValue ?? false
            if !failed && (entry.effect == .send || settings.deliveryTools.contains(tool)) {
                await apply(.delivered(tool: tool), to: call.run.id)
            }
        case .upstreamFailed, .refused, .held:
            memory.countCall(call.run.id, at: Date())
        }
    }

    /// The run's provenance: from memory, or rebuilt from the store (after a restart the run keeps what it read;
    /// its fence gets a new random boundary).
    public func provenance(runID: String) async throws -> RunProvenance {
        if let known = provenanceCache.get(runID) { return known }
        let entries = try await store.provenance(of: runID)
        return provenanceCache.put(runID, RunProvenance(index: ProvenanceIndex(entries: entries)))
    }

    /// What a call read, kept before its result reaches the agent: the values and their source, and for untrusted
    /// output the run's taint. Throws when it could not be kept (the result must then be withheld: an agent must
    /// never hold content the run does not know it read).
    public func recordRead(
        runID: String, tool: String, trusted: Bool, entries: [IndexEntry], signals: [String], now: Date = Date()
    ) async throws {
        let event = RunEvent.read(tool: tool, trusted: trusted, values: entries.count, signals: signals)
        let run = try await store.recordRead(event, entries: entries, to: runID, now: now)
        memory.remember(run)
        provenanceCache.add(runID, entries: entries)
    }

    /// Which of `values` the agent's other runs read only in untrusted content lately (its model may carry them
    /// into this run), as an index of untrusted entries.
    public func untrustedElsewhere(
        runID: String, subject: String, values: Set<TaggedValue>, now: Date = Date()
    ) async throws -> ProvenanceIndex {
        let found = try await store.untrustedElsewhere(
            subject: subject, values: values, since: now.addingTimeInterval(-ContainmentRules.crossRunWindow),
            excluding: runID)
        var index = ProvenanceIndex()
        index.add(entries: found)
        return index
    }

    /// The run's task — its trusted instructions, from whoever started the run (Warden's own agents, the bench) —
    /// indexed as a trusted source: a value the task names backs a critical argument like the directory does.
    /// The ledger records the task's SHA-256 and `origin` (where the run came from: a schedule slot, a request).
    public func recordTask(runID: String, task: String, origin: String = "direct") async throws {
        let event = RunEvent.task(origin: origin, sha256: Digest.sha256Hex(Array(task.utf8)))
        try await audit.record(.run(event, runID: runID))
        _ = try await store.apply(event, to: runID, now: Date())
        var index = ProvenanceIndex()
        index.add(text: task, trusted: true, source: ContainmentJudge.taskSource)
        // The actions it asks for: untrusted content asking for another action on a value needs a person.
        index.add(values: ActionDirectives.requested(inTask: task), trusted: true, source: ContainmentJudge.taskSource)
        // What it rules out ("don't change anything", "no attachments").
        index.add(values: ActionDirectives.forbidden(inTask: task), trusted: true, source: ContainmentJudge.taskSource)
        try await recordRead(runID: runID, tool: "task", trusted: true, entries: index.entries, signals: [])
    }

    /// Activity that is not a call (an agent waiting for its model or a person): the run is not idle meanwhile.
    public func touch(runID: String, now: Date = Date()) {
        memory.touch(runID, at: now)
    }

    /// Whether the run still takes calls (open or delivered), as the cell knows it now.
    public func isOpen(runID: String) -> Bool {
        guard let run = memory.run(runID) else { return false }
        return run.state == .open || run.state == .delivered
    }

    /// A call of one of Warden's own agents, for people reading the run (`warden runs show`, the inbox).
    public func recordCall(runID: String, tool: String, outcome: String, rule: String?, now: Date = Date()) async {
        do {
            _ = try await store.apply(.call(tool: tool, outcome: outcome, rule: rule), to: runID, now: now)
        } catch {
            logger.warning(
                "agent call not added to the run's history", metadata: ["error": "\(LogSafe.describe(error))"])
        }
    }

    /// Writes the calls counted in memory (also at shutdown, so none is lost); false when the write failed.
    @discardableResult
    public func flush() async -> Bool {
        let counts = memory.drain()
        do {
            try await store.addCalls(counts)
            memory.written(counts)
            return true
        } catch {
            memory.unwritten(counts)
            logger.error(
                "run call counts not written", metadata: ["rule": "run.event", "error": "\(LogSafe.describe(error))"])
            return false
        }
    }

    /// `warden.escalate`, or the contract itself: ends the run escalated and queues the notice for a person (one
    /// transaction: a run never ends escalated without its notice).
    public func escalate(runID: String, by: String, reason: String, summary: String, now: Date = Date()) async throws {
        try await audit.record(.run(.escalated(by: by, reason: reason), runID: runID))
        let run = try await store.escalate(runID, by: by, reason: reason, summary: summary, now: now)
        memory.remember(run)
    }

    /// A run's end (its session closed, its deadline passed, it went idle): delivered runs end as they are; an
    /// undelivered run is escalated when its agent is held to the contract, otherwise closed.
    public func end(runID: String, by: String, now: Date = Date()) async {
        do {
            guard let run = try await store.run(id: runID), run.state == .open else { return }
            if run.deliveryRequired {
                try await escalate(
                    runID: runID, by: by, reason: "the run ended (\(by)) without delivering anything",
                    summary: "\(run.calls) tool call(s); nothing was delivered", now: now)
            } else {
                await apply(.closed(by: by), to: runID)
            }
        } catch {
            logger.error(
                "run end not recorded; retried at the next sweep",
                metadata: ["rule": "run.end", "error": "\(LogSafe.describe(error))"])
        }
    }

    /// Periodic: ends overdue runs, and delivers queued escalation notices (coalesced per agent and window, with
    /// backoff; failures stay visible).
    public func sweep(now: Date = Date()) async {
        do {
            // Calls counted since the last sweep are written first, so idleness is judged on them (and not at all
            // when they could not be written: an active run must not be escalated as idle).
            if await flush() {
                for run in try await store.overdue(now: now, activeSince: startedAt) {
                    await end(runID: run.id, by: run.deadline <= now ? "deadline" : "idle", now: now)
                }
            }
            let due = Dictionary(grouping: try await store.dueEscalations(now: now), by: \.subject)
            for (subject, notices) in due.sorted(by: { $0.key < $1.key }) {
                if let last = try await store.lastNotified(subject: subject),
                    now.timeIntervalSince(last) < TimeInterval(settings.notifyWindowSeconds)
                {
                    continue
                }
                await deliver(notices, now: now)
            }
        } catch {
            logger.error("run sweep failed", metadata: ["rule": "run.sweep", "error": "\(LogSafe.describe(error))"])
        }
    }

    /// Sends one agent's due notices as one notification (a single notice as it is; several as a summary).
    func deliver(_ notices: [EscalationNotice], now: Date) async {
        guard let first = notices.first else { return }
        var combined = first
        combined.runs = notices.map(\.run)
        if notices.count > 1 {
            combined.by = "several"
            combined.reason = "\(notices.count) runs of this agent were escalated"
            combined.summary = notices.map { "run \($0.run) (\($0.by)): \($0.reason)" }.joined(separator: "\n")
        }
        var sent = false
        let channel = agentChannels[first.subject] ?? self.channel
        if let channel {
            do {
                try await channel.notify(combined, tenant: tenant)
                sent = true
            } catch {
                logger.warning(
                    "escalation notice not delivered; will retry",
                    metadata: ["rule": "run.escalation-notify", "error": "\(LogSafe.describe(error))"])
            }
        }
        do {
            let states = try await store.markEscalations(
                ids: notices.map(\.id), sent: sent, now: now,
                maxAttempts: channel == nil ? 1 : settings.maxNotifyAttempts)
            for notice in notices {
                switch states[notice.id] {
                case .sent?: try await audit.record(.escalationNotified(runID: notice.runKey))
                case .failed?:
                    try await audit.record(.escalationFailed(runID: notice.runKey, channelConfigured: channel != nil))
                case .pending?, nil: continue
                }
            }
        } catch {
            logger.error(
                "escalation state not recorded",
                metadata: ["rule": "run.escalation-notify", "error": "\(LogSafe.describe(error))"])
        }
    }

    func apply(_ event: RunEvent, to runID: String) async {
        do {
            try await audit.record(.run(event, runID: runID))
            memory.remember(try await store.apply(event, to: runID, now: Date()))
        } catch {
            logger.error(
                "run event not recorded", metadata: ["rule": "run.event", "error": "\(LogSafe.describe(error))"])
        }
    }

    /// Gauges: escalation notices not (yet) delivered.
    public func gauges() async -> [MetricGauge] {
        let undelivered = (try? await store.undeliveredEscalationCount()).map(Double.init) ?? -1
        return [
            MetricGauge(
                name: "warden_escalations_undelivered",
                help: "Escalation notices not delivered to a person yet (-1: the run store could not be read).",
                value: undelivered)
        ]
    }
}

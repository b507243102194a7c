import Foundation
import Logging
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
    let tenant: String
    let logger: Logger

    public init(
        store: any RunStore, audit: any AuditSink, settings: DeliverySettings, channel: (any EscalationChannel)?,
        tenant: String, logger: Logger
    ) {
        self.store = store
        self.audit = audit
        self.settings = settings
        self.channel = channel
        self.tenant = tenant
        self.logger = logger
    }

    /// The run a call belongs to, created on first use. Another principal's run id, or an ended run, is refused.
    public func context(runID: String, sessionID: String, principal: Principal, now: Date = Date()) async throws
        -> RunContext
    {
        let defaults = RunDefaults(
            deliveryRequired: !settings.requiredRoles.isDisjoint(with: principal.roles),
            deadlineSeconds: settings.runDeadlineSeconds, idleSeconds: settings.runIdleSeconds)
        // A new run is in the ledger before it exists: `run.started` first, then the run.
        if try await store.run(id: runID) == nil {
            let started = RunEvent.started(
                subject: principal.subject, deliveryRequired: defaults.deliveryRequired,
                deadline: now.addingTimeInterval(TimeInterval(defaults.deadlineSeconds)),
                idleSeconds: defaults.idleSeconds)
            try await audit.record(.run(started, runID: runID))
        }
        let (run, _) = try await store.open(id: runID, subject: principal.subject, defaults: defaults, now: now)
        guard run.state == .open || run.state == .delivered else { throw RunError.ended(run.state) }
        var context = run.context
        context.sessionID = sessionID
        return context
    }

    /// Delivery bookkeeping after a call: the call is counted, and an executed delivery marks the run delivered.
    func afterCall(_ call: ToolCall, outcome: ToolCallOutcome) async {
        let tool: String
        let effect: String
        let label: String
        var delivered = false
        switch outcome {
        case .executed(let result, let entry):
            tool = entry.name.description
            effect = entry.effect?.rawValue ?? "unknown"
            label = "executed"
            let failed = result["isError"]?.boolValue ?? false
            delivered = !failed && (entry.effect == .send || settings.deliveryTools.contains(tool))
        case .upstreamFailed(let entry):
            (tool, effect, label) = (entry.name.description, entry.effect?.rawValue ?? "unknown", "failed")
        case .refused, .rateLimited, .notRecorded:
            (tool, effect, label) = ("-", "-", "refused")
        case .held:
            (tool, effect, label) = ("-", "-", "held")
        case .escalated:
            return
        }
        // The call itself is recorded by the pipeline (`tool.decision`/`tool.executed` name the run); the store
        // only counts it. A delivery is a run event of its own.
        do {
            _ = try await store.apply(.called(tool: tool, effect: effect, outcome: label), to: call.run.id, now: Date())
        } catch {
            logger.error(
                "run call not counted", metadata: ["rule": "run.event", "error": "\(LogSafe.describe(error))"])
        }
        if delivered { await apply(.delivered(tool: tool), to: call.run.id) }
    }

    /// `warden.escalate`, or the contract itself: ends the run escalated and queues the notice for a person.
    public func escalate(runID: String, by: String, reason: String, summary: String, now: Date = Date()) async throws {
        let event = RunEvent.escalated(by: by, reason: reason)
        try await audit.record(.run(event, runID: runID))
        let run = try await store.apply(event, to: runID, now: now)
        try await store.enqueueEscalation(
            EscalationNotice(run: runID, subject: run.subject, by: by, reason: reason, summary: summary), now: now)
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

    /// Periodic: ends overdue runs, and delivers queued escalation notices (with backoff; failures stay visible).
    public func sweep(now: Date = Date()) async {
        do {
            for run in try await store.overdue(now: now) {
                await end(runID: run.id, by: run.deadline <= now ? "deadline" : "idle", now: now)
            }
            for notice in try await store.dueEscalations(now: now) { await deliver(notice, now: now) }
        } catch {
            logger.error("run sweep failed", metadata: ["rule": "run.sweep", "error": "\(LogSafe.describe(error))"])
        }
    }

    func deliver(_ notice: EscalationNotice, now: Date) async {
        var sent = false
        if let channel {
            do {
                try await channel.notify(notice, tenant: tenant)
                sent = true
            } catch {
                logger.warning(
                    "escalation notice not delivered; will retry",
                    metadata: ["rule": "run.escalation-notify", "error": "\(LogSafe.describe(error))"])
            }
        }
        do {
            let state = try await store.markEscalation(
                id: notice.id, sent: sent, now: now, maxAttempts: channel == nil ? 1 : settings.maxNotifyAttempts)
            guard state != .pending else { return }
            try await audit.record(
                state == .sent
                    ? .escalationNotified(runID: notice.run)
                    : .escalationFailed(runID: notice.run, channelConfigured: channel != nil))
        } catch {
            logger.error(
                "escalation state not recorded",
                metadata: ["rule": "run.escalation-notify", "error": "\(LogSafe.describe(error))"])
        }
    }

    func apply(_ event: RunEvent, to runID: String) async {
        do {
            try await audit.record(.run(event, runID: runID))
            _ = try await store.apply(event, to: runID, now: Date())
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

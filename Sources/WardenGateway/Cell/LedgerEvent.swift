import Foundation
import WardenCore

/// Every kind of entry a cell writes to its ledger, as typed values: the one list of what the ledger can hold.
/// Each case encodes to canonical JSON through `auditEvent` (kind + facts: names, digests, rule ids and counts,
/// never argument or result contents).
public enum LedgerEvent: Sendable {
    case cellStarted(CellStartedRecord)
    case policyLoaded(policy: String, file: String)
    case policyRefused(rule: String, sha256: String, file: String)
    /// Refused authentications since the last entry, per rule.
    case authRefused(counts: [String: Int])
    /// A tool call's decision, recorded before anything is used up or called.
    case toolDecision(DecisionRecord)
    /// A tool call's outcome, recorded before the reply.
    case toolExecuted(DecisionRecord, outcome: ExecutionOutcome, resultDigest: String?)
    case refusalsTallied([RefusalCount])
    case approvalRequested(ApprovalRequest)
    case approvalDecided(ApprovalRequest)
    /// A request no person decided (or an approval nobody used) ended early: its run ended.
    case approvalWithdrawn(ApprovalRequest, reason: String)
    /// Approvers were told of a request (or could not be, after every attempt).
    case approvalNotified(id: String, delivered: Bool)
    /// Approvers were reminded of a request about to expire.
    case approvalReminded(id: String)
    case pinsChanged(PinsChange)
    case run(RunEvent, runID: String)
    case escalationNotified(runID: String)
    case escalationFailed(runID: String, channelConfigured: Bool)
    case witness(WitnessEventKind, facts: [String: JSONValue])

    /// What a tool call came to.
    public enum ExecutionOutcome: String, Sendable {
        case ok
        case toolError = "tool-error"
        case upstreamError = "upstream-error"
        /// Allowed, but a reservation lapsed before it could be used: nothing was called.
        case notRun = "not-run"
    }

    public enum WitnessEventKind: String, Sendable {
        case cosigned = "witness.cosigned"
        case failing = "witness.failing"
        case conflict = "witness.conflict"
    }

    public struct RefusalCount: Sendable, Hashable {
        public var agent: String
        public var rule: String
        public var tool: String
        public var count: Int
    }

    public struct PinsChange: Sendable {
        public var fileDigest: String
        public var changes: [String: [String]]
        public var malformed: Bool
    }

    /// The entry's `kind` (e.g. `tool.decision`) and facts, as they are encoded.
    public var kind: String { auditEvent.kind }
    public var facts: [String: JSONValue] { auditEvent.facts }

    public var auditEvent: AuditEvent {
        switch self {
        case .cellStarted(let record):
            return AuditEvent(kind: "cell.started", facts: record.facts)
        case .policyLoaded(let policy, let file):
            return AuditEvent(kind: "policy.loaded", facts: ["policy": .string(policy), "file": .string(file)])
        case .policyRefused(let rule, let sha256, let file):
            return AuditEvent(
                kind: "policy.refused",
                facts: ["rule": .string(rule), "sha256": .string(sha256), "file": .string(file)])
        case .authRefused(let counts):
            return AuditEvent(
                kind: "auth.refused", facts: ["counts": .object(counts.mapValues { .integer(Int64($0)) })])
        case .toolDecision(let record):
            return AuditEvent(kind: "tool.decision", facts: record.facts)
        case .toolExecuted(let record, let outcome, let resultDigest):
            var facts = record.facts
            facts.merge(record.readFacts) { _, read in read }
            facts["outcome"] = .string(outcome.rawValue)
            if let resultDigest { facts["result_sha256"] = .string(resultDigest) }
            return AuditEvent(kind: "tool.executed", facts: facts)
        case .refusalsTallied(let counts):
            return AuditEvent(
                kind: "tool.refusals-tallied",
                facts: [
                    "tallies": .array(
                        counts.map {
                            [
                                "agent": .string($0.agent), "rule": .string($0.rule), "tool": .string($0.tool),
                                "count": .integer(Int64($0.count)),
                            ]
                        })
                ])
        case .approvalRequested(let request):
            var facts: [String: JSONValue] = [
                "approval": .string(request.id), "agent": .string(request.agent), "tool": .string(request.tool),
                "action_sha256": .string(request.actionDigest),
                "expires": .integer(Int64(request.expiresAt.timeIntervalSince1970)),
            ]
            if let send = request.send { facts["recipients"] = .integer(Int64(send.recipients.count)) }
            return AuditEvent(kind: "approval.requested", facts: facts)
        case .approvalDecided(let decided):
            var facts: [String: JSONValue] = [
                "approval": .string(decided.id), "agent": .string(decided.agent), "tool": .string(decided.tool),
                "action_sha256": .string(decided.actionDigest), "decision": .string(decided.state.rawValue),
                "approver": .string(decided.approver ?? "?"),
            ]
            if let at = decided.decidedAt { facts["decided_at"] = .integer(Int64(at.timeIntervalSince1970)) }
            if let reason = decided.reason { facts["reason"] = .string(reason) }
            return AuditEvent(kind: "approval.decided", facts: facts)
        case .approvalWithdrawn(let withdrawn, let reason):
            return AuditEvent(
                kind: "approval.withdrawn",
                facts: [
                    "approval": .string(withdrawn.id), "agent": .string(withdrawn.agent),
                    "tool": .string(withdrawn.tool), "action_sha256": .string(withdrawn.actionDigest),
                    "state": .string(withdrawn.state.rawValue), "reason": .string(reason),
                ])
        case .approvalNotified(let id, let delivered):
            return AuditEvent(
                kind: delivered ? "approval.notified" : "approval.notify-failed", facts: ["approval": .string(id)])
        case .approvalReminded(let id):
            return AuditEvent(kind: "approval.reminded", facts: ["approval": .string(id)])
        case .pinsChanged(let change):
            var facts: [String: JSONValue] = ["file_sha256": .string(change.fileDigest)]
            for (key, names) in change.changes { facts[key] = .array(names.map { .string($0) }) }
            if change.malformed { facts["rule"] = "catalog.pins-malformed" }
            return AuditEvent(kind: "catalog.pins-changed", facts: facts)
        case .run(let event, let runID):
            return AuditEvent(kind: event.kind, facts: event.facts(run: runID))
        case .escalationNotified(let runID):
            return AuditEvent(
                kind: "run.escalation-notified",
                facts: ["run": .string(Digest.sha256Hex(Array(runID.utf8))), "channel": "configured"])
        case .escalationFailed(let runID, let configured):
            return AuditEvent(
                kind: "run.escalation-failed",
                facts: [
                    "run": .string(Digest.sha256Hex(Array(runID.utf8))),
                    "channel": .string(configured ? "configured" : "none-configured"),
                ])
        case .witness(let kind, let facts):
            return AuditEvent(kind: kind.rawValue, facts: facts)
        }
    }
}

/// The first entry of every cell start: which build ran which configuration with which keys (key ids only).
public struct CellStartedRecord: Sendable {
    public var version: String
    public var upstreams: [String]
    public var witnesses: Int
    public var autoGrantRules: [String]
    public var configurationDigest: String?
    public var activeKeyIDs: [String: String]
    /// Set when the tenant turned the built-in containment rules off: the reason it gave.
    public var containmentOverride: String? = nil
    /// Built-in containment rules the tenant set to `allow` (`instructed_runs`, `directed_values`, `unasked_actions`,
    /// `outside_task`, `task_limits`).
    public var containmentAllowed: [String] = []

    var facts: [String: JSONValue] {
        var facts: [String: JSONValue] = [
            "version": .string(version), "upstreams": .array(upstreams.map { .string($0) }),
            "witnesses": .integer(Int64(witnesses)), "auto_grant_rules": .array(autoGrantRules.map { .string($0) }),
            "active_key_ids": .object(activeKeyIDs.mapValues { .string($0) }),
        ]
        if let configurationDigest { facts["configuration_sha256"] = .string(configurationDigest) }
        facts["containment_builtin_rules"] = .string(containmentOverride == nil ? "on" : "off")
        if let containmentOverride { facts["containment_override_reason"] = .string(containmentOverride) }
        if !containmentAllowed.isEmpty {
            facts["containment_allowed"] = .array(containmentAllowed.map { .string($0) })
        }
        return facts
    }
}

extension AuditSink {
    /// Records a typed ledger event (the way every cell component records).
    public func record(_ event: LedgerEvent) async throws {
        try await record(event.auditEvent)
    }
}

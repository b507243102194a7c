import Foundation
import WardenCore

/// A run as people read it (CLI, admin API): its state, its events and its escalation notices, as JSON.
public enum RunView {
    public static func json(_ run: RunRecord) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(run.name), "key": .string(run.id), "agent": .string(run.subject),
            "state": .string(run.state.rawValue),
            "calls": .integer(Int64(run.calls)), "tainted": .bool(run.tainted),
            "delivery_required": .bool(run.deliveryRequired),
            "started_at": .string(iso(run.startedAt)), "last_activity": .string(iso(run.lastActivity)),
            "deadline": .string(iso(run.deadline)), "idle_seconds": .integer(Int64(run.idleSeconds)),
        ]
        if let tool = run.deliveredBy { members["delivered_by"] = .string(tool) }
        if let reason = run.endReason { members["ended_by"] = .string(reason) }
        if let ended = run.endedAt { members["ended_at"] = .string(iso(ended)) }
        return .object(members)
    }

    public static func detail(_ run: RunRecord, store: any RunStore) async throws -> JSONValue {
        guard case .object(var members) = json(run) else { return json(run) }
        members["events"] = .array(
            try await store.events(of: run.id).map { event in
                .object(["at": .string(iso(event.at)), "kind": .string(event.kind), "facts": event.facts])
            })
        members["escalations"] = .array(try await store.escalations(of: run.id).map(notice))
        return .object(members)
    }

    public static func notice(_ notice: EscalationNotice) -> JSONValue {
        [
            "by": .string(notice.by), "reason": .string(notice.reason), "summary": .string(notice.summary),
            "raised_at": .string(iso(notice.createdAt)), "attempts": .integer(Int64(notice.attempts)),
            "notification": .string(notice.state.rawValue),
        ]
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}

import WardenCore

/// Where the cell records every decision and action. The ledger is the production sink: `record` returns
/// only once the event is durable, so an action is never acknowledged before its record exists.
public protocol AuditSink: Sendable {
    func record(_ event: AuditEvent) async throws
    /// Makes everything recorded durable and final (e.g. signs a last checkpoint); called once at shutdown.
    func close() async throws
}

extension AuditSink {
    public func close() async throws {}
}

/// One ledger event: a kind and facts. Facts carry digests and rule ids, never argument or result contents.
public struct AuditEvent: Sendable {
    public var kind: String
    public var facts: [String: JSONValue]

    public init(kind: String, facts: [String: JSONValue]) {
        self.kind = kind
        self.facts = facts
    }

    /// The canonical JSON record (RFC 8785) with the event time in whole milliseconds.
    public func canonicalBytes(tenant: String, timeMillis: Int64) -> [UInt8] {
        var members = facts
        members["kind"] = .string(kind)
        members["tenant"] = .string(tenant)
        members["time_ms"] = .integer(timeMillis)
        return CanonicalJSON.encode(.object(members))
    }
}

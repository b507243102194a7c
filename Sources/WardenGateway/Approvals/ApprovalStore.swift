import Foundation
import GRDB

/// One held action waiting for (or decided by) a person.
public struct ApprovalRequest: Sendable, Equatable {
    public enum State: String, Sendable {
        case pending
        case approved
        case denied
        case used
    }

    public var id: String
    /// SHA-256 of the canonical `{"arguments": …, "tool": …}`: the approval covers this exact action only.
    public var actionDigest: String
    /// The agent (token subject) whose call was held; it may not approve its own action.
    public var agent: String
    public var tool: String
    public var state: State
    public var approver: String?
    public var createdAt: Date
    public var expiresAt: Date
    /// For a held send: every recipient (canonical form) and the content digest the grant must bind.
    public var send: HeldSend?
}

/// What an approval of a send mints a grant for: exactly these recipients and this content.
public struct HeldSend: Sendable, Equatable, Codable {
    public var recipients: [String]
    public var contentDigest: String

    public init(recipients: [String], contentDigest: String) {
        self.recipients = recipients
        self.contentDigest = contentDigest
    }
}

/// Why an approval decision was refused.
public enum ApprovalError: Error, Equatable, CustomStringConvertible {
    case unknown(String)
    case notPending(String, ApprovalRequest.State)
    case expired(String)
    case selfApproval(String)
    case invalidApprover
    case tooManyPending(agent: String, limit: Int)

    public var description: String {
        switch self {
        case .unknown(let id): "no approval request \(id)"
        case .notPending(let id, let state): "approval request \(id) is already \(state.rawValue)"
        case .expired(let id): "approval request \(id) has expired; the agent must ask again"
        case .selfApproval(let id): "the agent whose call was held cannot approve it (\(id))"
        case .invalidApprover: "name the approver (1-256 characters)"
        case .tooManyPending(let agent, let limit): "agent \(agent) already has \(limit) actions waiting for approval"
        }
    }
}

/// Held actions and their decisions, in the cell's SQLite database (WAL, `synchronous = FULL`).
///
/// An approval is bound to one agent's exact action (digest of tool and arguments), expires, cannot be given by
/// that agent, and is used once: `takeApproved` flips it to `used` in the same transaction that finds it, so of
/// concurrent identical calls exactly one proceeds.
public final class ApprovalStore: Sendable {
    /// How long a held action waits for a decision, and an approval for its use.
    public static let defaultLifetime: TimeInterval = 24 * 3600
    /// Held actions one agent may have waiting at once: an agent varying its arguments cannot flood the inbox.
    public static let maximumPendingPerAgent = 100
    private let database: DatabasePool

    /// The approvals database of a cell.
    public static func path(dataDirectory: String) -> String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("approvals.sqlite").path
    }

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        database = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-approval") { db in
            try db.execute(
                sql: """
                    CREATE TABLE approval (
                        id TEXT PRIMARY KEY NOT NULL,
                        action_digest TEXT NOT NULL CHECK (length(action_digest) = 64),
                        agent TEXT NOT NULL CHECK (length(agent) > 0),
                        tool TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'used')),
                        approver TEXT,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE INDEX approval_action ON approval (action_digest, agent, state);
                    """)
        }
        migrator.registerMigration("v2-approval-send") { db in
            try db.execute(sql: "ALTER TABLE approval ADD COLUMN send TEXT")
        }
        try migrator.migrate(database)
    }

    /// Holds `agent`'s action for a person, or returns the request already pending for it (one per action).
    public func hold(
        actionDigest: String, agent: String, tool: String, send: HeldSend? = nil, now: Date,
        lifetime: TimeInterval = defaultLifetime
    ) async throws -> ApprovalRequest {
        let sendJSON = try send.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let created = Int64(now.timeIntervalSince1970.rounded(.down))
        let expires = Int64((now.timeIntervalSince1970 + lifetime).rounded(.down))
        return try await database.write { db in
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM approval WHERE action_digest = ? AND agent = ? AND state = 'pending'
                    AND expires_at > ? ORDER BY created_at LIMIT 1
                    """,
                arguments: [actionDigest, agent, created])
            {
                return Self.request(row)
            }
            let waiting =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM approval WHERE agent = ? AND state = 'pending' AND expires_at > ?",
                    arguments: [agent, created]) ?? 0
            guard waiting < Self.maximumPendingPerAgent else {
                throw ApprovalError.tooManyPending(agent: agent, limit: Self.maximumPendingPerAgent)
            }
            let id = "apr-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: "")
            try db.execute(
                sql: """
                    INSERT INTO approval (id, action_digest, agent, tool, state, created_at, expires_at, send)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)
                    """,
                arguments: [id, actionDigest, agent, tool, created, expires, sendJSON])
            return ApprovalRequest(
                id: id, actionDigest: actionDigest, agent: agent, tool: tool, state: .pending, approver: nil,
                createdAt: Date(timeIntervalSince1970: TimeInterval(created)),
                expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)), send: send)
        }
    }

    /// Approves or denies a pending request. The approver must not be the agent whose call was held.
    public func decide(id: String, approver: String, approve: Bool, now: Date) async throws -> ApprovalRequest {
        guard !approver.isEmpty, approver.utf8.count <= 256 else { throw ApprovalError.invalidApprover }
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM approval WHERE id = ?", arguments: [id]) else {
                throw ApprovalError.unknown(id)
            }
            var request = Self.request(row)
            guard request.state == .pending else { throw ApprovalError.notPending(id, request.state) }
            guard Int64(request.expiresAt.timeIntervalSince1970) > current else { throw ApprovalError.expired(id) }
            guard approver != request.agent else { throw ApprovalError.selfApproval(id) }
            request.state = approve ? .approved : .denied
            request.approver = approver
            try db.execute(
                sql: "UPDATE approval SET state = ?, approver = ? WHERE id = ? AND state = 'pending'",
                arguments: [request.state.rawValue, approver, id])
            return request
        }
    }

    /// Uses the approval of `agent`'s exact action, if one is approved and unexpired: marks it used and returns it.
    public func takeApproved(actionDigest: String, agent: String, now: Date) async throws -> ApprovalRequest? {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT * FROM approval WHERE action_digest = ? AND agent = ? AND state = 'approved'
                        AND expires_at > ? ORDER BY created_at LIMIT 1
                        """,
                    arguments: [actionDigest, agent, current])
            else { return nil }
            var request = Self.request(row)
            try db.execute(
                sql: "UPDATE approval SET state = 'used' WHERE id = ? AND state = 'approved'", arguments: [request.id])
            guard db.changesCount == 1 else { return nil }
            request.state = .used
            return request
        }
    }

    /// Requests still waiting for a decision (not expired), oldest first.
    public func pending(now: Date) async throws -> [ApprovalRequest] {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM approval WHERE state = 'pending' AND expires_at > ? ORDER BY created_at",
                arguments: [current]
            ).map(Self.request)
        }
    }

    /// How many requests wait for a decision (for `/metrics`).
    public func pendingCount(now: Date) async throws -> Int {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM approval WHERE state = 'pending' AND expires_at > ?",
                arguments: [current]
            ) ?? 0
        }
    }

    private static func request(_ row: Row) -> ApprovalRequest {
        let created: Int64 = row["created_at"]
        let expires: Int64 = row["expires_at"]
        let state: String = row["state"]
        let sendJSON: String? = row["send"]
        return ApprovalRequest(
            id: row["id"], actionDigest: row["action_digest"], agent: row["agent"], tool: row["tool"],
            // An unreadable state never reads as approved.
            state: ApprovalRequest.State(rawValue: state) ?? .denied, approver: row["approver"],
            createdAt: Date(timeIntervalSince1970: TimeInterval(created)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)),
            send: sendJSON.flatMap { try? JSONDecoder().decode(HeldSend.self, from: Data($0.utf8)) })
    }
}

import Foundation
import GRDB
import WardenCore

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
    /// The full action `{"tool", "arguments", "recipients"?}`, decrypted; nil when it cannot be read (a request
    /// whose action cannot be shown cannot be decided).
    public var action: JSONValue?
    public var decidedAt: Date?
    /// The approver's reason (shown to the agent on a denial).
    public var reason: String?
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

    /// The refusal an agent gets when its call could not be held: the cap on waiting requests names its own rule.
    public static func holdRefusal(_ error: any Error, nothingDone what: String) -> Refusal {
        if case ApprovalError.tooManyPending(_, let limit)? = error as? ApprovalError {
            return Refusal(
                rule: "approval.too-many-pending",
                message: "this agent already has \(limit) actions waiting for a person; \(what)")
        }
        return Refusal(rule: "approval.store-unavailable", message: "the approval could not be checked; \(what)")
    }
    case actionUnreadable(String)
    case invalidReason

    public var description: String {
        switch self {
        case .unknown(let id): "no approval request \(id)"
        case .notPending(let id, let state): "approval request \(id) is already \(state.rawValue)"
        case .expired(let id): "approval request \(id) has expired; the agent must ask again"
        case .selfApproval(let id): "the agent whose call was held cannot approve it (\(id))"
        case .invalidApprover: "name the approver (1-256 characters)"
        case .tooManyPending(let agent, let limit): "agent \(agent) already has \(limit) actions waiting for approval"
        case .actionUnreadable(let id):
            "the action of \(id) cannot be decrypted or does not match its digest; it cannot be decided blind"
        case .invalidReason: "a reason is at most 1,000 characters"
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
    private let sealer: ApprovalSealer
    /// How long requests this store raises wait (`approvals.request_seconds`).
    let lifetime: TimeInterval
    /// Whether a new request queues a notice to approvers (only when `approvals.notify` names someone to tell:
    /// otherwise nothing would ever send or clear them).
    let queuesNotices: Bool

    /// The cell's approvals database, sealing actions under the cell's tenant keyring.
    public convenience init(
        dataDirectory: String, keys: CellKeys, lifetime: TimeInterval = defaultLifetime, queuesNotices: Bool = false
    ) throws {
        try self.init(
            path: CellLayout(dataDirectory: dataDirectory).approvals, sealer: ApprovalSealer(keyring: keys.keyring),
            lifetime: lifetime, queuesNotices: queuesNotices)
    }

    public init(
        path: String, sealer: ApprovalSealer, lifetime: TimeInterval = defaultLifetime, queuesNotices: Bool = false
    ) throws {
        self.sealer = sealer
        self.lifetime = lifetime
        self.queuesNotices = queuesNotices
        var configuration = Configuration()
        // The CLI writes the same file from another process (`warden approvals approve`, `warden runs`, `warden grant`):
        // wait for its transaction rather than fail at once with "database is locked".
        configuration.busyMode = .timeout(5)
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
        migrator.registerMigration("v3-approval-action") { db in
            // Rows from before v3 carry no sealed action and cannot be decided (they expire).
            try db.execute(
                sql: """
                    ALTER TABLE approval ADD COLUMN action_key_id TEXT;
                    ALTER TABLE approval ADD COLUMN action_sealed BLOB;
                    ALTER TABLE approval ADD COLUMN decided_at INTEGER;
                    ALTER TABLE approval ADD COLUMN reason TEXT;
                    ALTER TABLE approval ADD COLUMN decision_recorded INTEGER NOT NULL DEFAULT 1;
                    """)
        }
        // Two-phase use: an approval is reserved by a call, then marked used once the call's decision is durable.
        migrator.registerMigration("v4-approval-reservation") { db in
            try db.execute(sql: "ALTER TABLE approval ADD COLUMN reserved_until INTEGER")
        }
        // A request is marked recorded once its `approval.requested` ledger entry is durable (swept until then).
        migrator.registerMigration("v5-approval-request-recorded") { db in
            try db.execute(sql: "ALTER TABLE approval ADD COLUMN request_recorded INTEGER NOT NULL DEFAULT 1")
        }
        // What agents spent (and have reserved to spend), for budgets: amounts in ten-thousandths.
        migrator.registerMigration("v6-spend") { db in
            try db.execute(
                sql: """
                    CREATE TABLE spend (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        agent TEXT NOT NULL,
                        run TEXT NOT NULL,
                        currency TEXT NOT NULL,
                        amount INTEGER NOT NULL CHECK (amount >= 0),
                        at INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('reserved', 'spent')),
                        reserved_until INTEGER
                    );
                    CREATE INDEX spend_agent ON spend (agent, currency, at);
                    CREATE INDEX spend_run ON spend (run, currency);
                    """)
        }
        // A notice to approvers per new request, queued in the request's own transaction (retried; never lost).
        migrator.registerMigration("v7-approval-notice") { db in
            try db.execute(
                sql: """
                    CREATE TABLE approval_notice (
                        approval TEXT PRIMARY KEY NOT NULL REFERENCES approval (id),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed'))
                    );
                    CREATE INDEX approval_notice_due ON approval_notice (state, next_attempt);
                    """)
        }
        migrator.registerMigration("v8-approval-reminder") { db in
            try db.execute(sql: "ALTER TABLE approval_notice ADD COLUMN reminded INTEGER NOT NULL DEFAULT 0")
        }
        try migrator.migrate(database)
    }

    // MARK: Notices to approvers

    /// Requests still pending that expire within `before` of `now`, announced already and not yet reminded of.
    public func dueReminders(now: Date, before: TimeInterval) async throws -> [String] {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT n.approval FROM approval_notice n JOIN approval a ON a.id = n.approval
                    WHERE n.state = 'sent' AND n.reminded = 0 AND a.state = 'pending'
                    AND a.expires_at > ? AND a.expires_at <= ? ORDER BY a.expires_at
                    """,
                arguments: [current, current + Int64(before)])
        }
    }

    public func markReminded(approval: String) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE approval_notice SET reminded = 1 WHERE approval = ?", arguments: [approval])
        }
    }

    /// Requests whose notice is due (pending, its next attempt reached), oldest first.
    public func dueNotices(now: Date) async throws -> [String] {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT approval FROM approval_notice WHERE state = 'pending' AND next_attempt <= ? ORDER BY rowid",
                arguments: [current])
        }
    }

    /// Records one attempt: sent, or retried later with backoff (2, 4, 8 … s, at most 5 min) until `maxAttempts`,
    /// then failed. Returns the notice's state.
    @discardableResult
    public func markNotice(approval: String, sent: Bool, now: Date, maxAttempts: Int) async throws -> String {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            let attempts =
                (try Int.fetchOne(
                    db, sql: "SELECT attempts FROM approval_notice WHERE approval = ?", arguments: [approval]) ?? 0) + 1
            let state = sent ? "sent" : (attempts >= maxAttempts ? "failed" : "pending")
            let delay = Int64(min(300, 1 << min(attempts, 9)))
            try db.execute(
                sql: "UPDATE approval_notice SET attempts = ?, state = ?, next_attempt = ? WHERE approval = ?",
                arguments: [attempts, state, current + delay, approval])
            return state
        }
    }

    /// Forgets the notice of a request that no longer waits (decided or expired before anyone was told).
    public func dropNotice(approval: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM approval_notice WHERE approval = ?", arguments: [approval])
        }
    }

    /// Notices not delivered (pending or failed), for the gauge.
    public func undeliveredNoticeCount() async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM approval_notice WHERE state != 'sent'") ?? 0
        }
    }

    // MARK: Spend budgets

    /// What one spend did to the budgets: the totals before it (spent and reserved by calls in flight).
    public struct SpendCheck: Sendable {
        public var id: Int64
        public var runTotal: Int64
        public var dayTotal: Int64
    }

    /// Reserves `amount` of `currency` for `agent`'s run, returning the totals before it, in one transaction (two
    /// concurrent spends cannot both see the budget free). The call commits the row once it runs, or releases it;
    /// an unused reservation stops counting after `holdFor`.
    public func reserveSpend(
        agent: String, run: String, currency: String, amount: Int64, dayStart: Date, now: Date,
        holdFor: TimeInterval = 120
    ) async throws -> SpendCheck {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        let since = Int64(dayStart.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            let runTotal =
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT coalesce(sum(amount), 0) FROM spend WHERE run = ? AND currency = ?
                        AND (state = 'spent' OR reserved_until >= ?)
                        """,
                    arguments: [run, currency, current]) ?? 0
            let dayTotal =
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT coalesce(sum(amount), 0) FROM spend WHERE agent = ? AND currency = ? AND at >= ?
                        AND (state = 'spent' OR reserved_until >= ?)
                        """,
                    arguments: [agent, currency, since, current]) ?? 0
            try db.execute(
                sql: """
                    INSERT INTO spend (agent, run, currency, amount, at, state, reserved_until)
                    VALUES (?, ?, ?, ?, ?, 'reserved', ?)
                    """,
                arguments: [agent, run, currency, amount, current, current + Int64(holdFor)])
            return SpendCheck(id: db.lastInsertedRowID, runTotal: runTotal, dayTotal: dayTotal)
        }
    }

    /// The reserved spend ran: it counts for good.
    public func commitSpend(id: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE spend SET state = 'spent', reserved_until = NULL WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    /// The reserved spend did not run.
    public func releaseSpend(id: Int64) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM spend WHERE id = ? AND state = 'reserved'", arguments: [id])
        }
    }

    /// Holds `agent`'s action for a person, or returns the request already pending for it (one per action).
    /// `arguments` are the call's exact arguments: sealed with the request so an approver sees all of them.
    /// `isNew` tells whether this call raised the request (so it is recorded once).
    public func hold(
        actionDigest: String, agent: String, tool: String, arguments: [String: JSONValue], send: HeldSend? = nil,
        provenance: [String] = [], reasons: [String] = [], now: Date, lifetime: TimeInterval? = nil
    ) async throws -> (request: ApprovalRequest, isNew: Bool) {
        let lifetime = lifetime ?? self.lifetime
        var action: [String: JSONValue] = ["tool": .string(tool), "arguments": .object(arguments)]
        if let send { action["recipients"] = .array(send.recipients.map { .string($0) }) }
        // Why containment asked for a person: where each critical value came from (shown to the approver).
        if !provenance.isEmpty { action["provenance"] = .array(provenance.map { .string($0) }) }
        // Why the call waits (a policy @hold's text, a budget's totals, containment's rule), for the approver.
        if !reasons.isEmpty { action["reasons"] = .array(reasons.map { .string($0) }) }
        let fullAction = JSONValue.object(action)
        guard CanonicalJSON.sha256Hex(fullAction.withoutRecipients) == actionDigest else {
            throw ApprovalError.actionUnreadable("(new request)")
        }
        let sealer = self.sealer
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
                return (sealer.request(row), false)
            }
            let waiting =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM approval WHERE agent = ? AND state = 'pending' AND expires_at > ?",
                    arguments: [agent, created]) ?? 0
            guard waiting < Self.maximumPendingPerAgent else {
                throw ApprovalError.tooManyPending(agent: agent, limit: Self.maximumPendingPerAgent)
            }
            let id = "apr-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: "")
            let sealed = try sealer.seal(fullAction, id: id, actionDigest: actionDigest)
            try db.execute(
                sql: """
                    INSERT INTO approval (id, action_digest, agent, tool, state, created_at, expires_at, send,
                        action_key_id, action_sealed, request_recorded)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, 0)
                    """,
                arguments: [id, actionDigest, agent, tool, created, expires, sendJSON, sealed.keyID, sealed.bytes])
            if queuesNotices {
                try db.execute(
                    sql: "INSERT INTO approval_notice (approval, next_attempt, state) VALUES (?, ?, 'pending')",
                    arguments: [id, created])
            }
            let request = ApprovalRequest(
                id: id, actionDigest: actionDigest, agent: agent, tool: tool, state: .pending, approver: nil,
                createdAt: Date(timeIntervalSince1970: TimeInterval(created)),
                expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)), send: send, action: fullAction)
            return (request, true)
        }
    }

    /// Approves or denies a pending request. The approver must not be the agent whose call was held.
    ///
    /// A request whose action cannot be decrypted and matched to its digest cannot be decided: nobody approves
    /// what they cannot see. The cell records each decision in the ledger (`ApprovalLedger`).
    public func decide(
        id: String, approver: String, approve: Bool, reason: String? = nil, now: Date
    ) async throws -> ApprovalRequest {
        guard !approver.isEmpty, approver.utf8.count <= 256 else { throw ApprovalError.invalidApprover }
        guard (reason?.count ?? 0) <= 1000 else { throw ApprovalError.invalidReason }
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        let sealer = self.sealer
        return try await database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM approval WHERE id = ?", arguments: [id]) else {
                throw ApprovalError.unknown(id)
            }
            var request = sealer.request(row)
            guard request.state == .pending else { throw ApprovalError.notPending(id, request.state) }
            guard Int64(request.expiresAt.timeIntervalSince1970) > current else { throw ApprovalError.expired(id) }
            guard approver != request.agent else { throw ApprovalError.selfApproval(id) }
            guard request.action != nil else { throw ApprovalError.actionUnreadable(id) }
            request.state = approve ? .approved : .denied
            request.approver = approver
            request.reason = reason
            request.decidedAt = Date(timeIntervalSince1970: TimeInterval(current))
            try db.execute(
                sql: """
                    UPDATE approval SET state = ?, approver = ?, reason = ?, decided_at = ?, decision_recorded = 0
                    WHERE id = ? AND state = 'pending'
                    """,
                arguments: [request.state.rawValue, approver, reason, current, id])
            return request
        }
    }

    /// One request by id (any state), with its action decrypted.
    public func request(id: String) async throws -> ApprovalRequest? {
        let sealer = self.sealer
        return try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM approval WHERE id = ?", arguments: [id]).map(sealer.request)
        }
    }

    /// Decisions not yet in the ledger, oldest first.
    public func unrecordedDecisions() async throws -> [ApprovalRequest] {
        let sealer = self.sealer
        return try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM approval WHERE decision_recorded = 0 ORDER BY decided_at, id"
            ).map(sealer.request)
        }
    }

    /// Requests whose `approval.requested` entry is not in the ledger yet, oldest first.
    public func unrecordedRequests() async throws -> [ApprovalRequest] {
        let sealer = self.sealer
        return try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM approval WHERE request_recorded = 0 ORDER BY created_at, id"
            ).map(sealer.request)
        }
    }

    public func markRequestRecorded(id: String) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE approval SET request_recorded = 1 WHERE id = ?", arguments: [id])
        }
    }

    public func markDecisionRecorded(id: String) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE approval SET decision_recorded = 1 WHERE id = ?", arguments: [id])
        }
    }

    /// A request's state and expiry without opening its sealed action (what a waiting call polls).
    public func state(of id: String) async throws -> (state: ApprovalRequest.State, expiresAt: Date)? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT state, expires_at FROM approval WHERE id = ?", arguments: [id]).map {
                (
                    ApprovalRequest.State(rawValue: $0["state"]) ?? .denied,
                    Date(timeIntervalSince1970: TimeInterval($0["expires_at"] as Int64))
                )
            }
        }
    }

    /// Ends a request that is still pending, or approved and not used, now (its run ended: a later identical call is
    /// a new action that needs its own decision). Returns the request when it was withdrawn.
    @discardableResult
    public func withdraw(id: String, now: Date) async throws -> ApprovalRequest? {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        let sealer = self.sealer
        return try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE approval SET expires_at = min(expires_at, ?)
                    WHERE id = ? AND state IN ('pending', 'approved') AND expires_at > ?
                    """,
                arguments: [current, id, current])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM approval WHERE id = ?", arguments: [id]).map(sealer.request)
        }
    }

    /// The denial of `agent`'s exact action, if a person denied it and it has not expired (its reason is shown).
    public func denied(actionDigest: String, agent: String, now: Date) async throws -> ApprovalRequest? {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        let sealer = self.sealer
        return try await database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM approval WHERE action_digest = ? AND agent = ? AND state = 'denied'
                    AND expires_at > ? ORDER BY decided_at DESC LIMIT 1
                    """,
                arguments: [actionDigest, agent, current]
            ).map(sealer.request)
        }
    }

    /// Uses the approval of `agent`'s exact action, if one is approved and unexpired: marks it used and returns it.
    public func takeApproved(actionDigest: String, agent: String, now: Date) async throws -> ApprovalRequest? {
        guard let reserved = try await reserveApproved(actionDigest: actionDigest, agent: agent, now: now) else {
            return nil
        }
        guard try await commitApproved(id: reserved.request.id, until: reserved.until) else { return nil }
        var used = reserved.request
        used.state = .used
        return used
    }

    /// Reserves the approval of `agent`'s exact action for one call (of concurrent identical calls, one gets it).
    /// The call commits it once its decision is durable, or releases it; a reservation lapses after `holdFor`.
    public func reserveApproved(
        actionDigest: String, agent: String, now: Date, holdFor: TimeInterval = 120
    ) async throws -> (request: ApprovalRequest, until: Int64)? {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        let until = current + Int64(holdFor)
        let sealer = self.sealer
        return try await database.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT * FROM approval WHERE action_digest = ? AND agent = ? AND state = 'approved'
                        AND expires_at > ? AND (reserved_until IS NULL OR reserved_until < ?)
                        ORDER BY created_at LIMIT 1
                        """,
                    arguments: [actionDigest, agent, current, current])
            else { return nil }
            let request = sealer.request(row)
            // An approval whose action cannot be read (a row from before actions were sealed) is never used.
            guard request.action != nil else { return nil }
            try db.execute(
                sql: "UPDATE approval SET reserved_until = ? WHERE id = ? AND state = 'approved'",
                arguments: [until, request.id])
            guard db.changesCount == 1 else { return nil }
            return (request, until)
        }
    }

    /// Marks a reserved approval used; false when this call's reservation had lapsed and another took it.
    public func commitApproved(id: String, until: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE approval SET state = 'used' WHERE id = ? AND state = 'approved' AND reserved_until = ?",
                arguments: [id, until])
            return db.changesCount == 1
        }
    }

    public func releaseApproved(id: String, until: Int64) async throws {
        try await database.write { db in
            try db.execute(
                sql:
                    "UPDATE approval SET reserved_until = NULL WHERE id = ? AND state = 'approved' AND reserved_until = ?",
                arguments: [id, until])
        }
    }

    /// Decided requests (approved, denied, used), newest first: the inbox's "Decided" page.
    public func decided(limit: Int = 100) async throws -> [ApprovalRequest] {
        let sealer = self.sealer
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM approval WHERE state IN ('approved', 'denied', 'used')
                    ORDER BY decided_at DESC, id LIMIT ?
                    """,
                arguments: [limit]
            ).map(sealer.request)
        }
    }

    /// Earlier requests for the same agent's identical action that a person already decided (newest first): an
    /// approver must see that "this exact payment" was approved — and used — before, or a repeated call is paid twice.
    public func earlierDecisions(of request: ApprovalRequest, limit: Int = 5) async throws -> [ApprovalRequest] {
        let sealer = self.sealer
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM approval WHERE action_digest = ? AND agent = ? AND id != ?
                    AND state IN ('approved', 'used', 'denied') ORDER BY created_at DESC LIMIT ?
                    """,
                arguments: [request.actionDigest, request.agent, request.id, limit]
            ).map(sealer.request)
        }
    }

    /// Requests still waiting for a decision (not expired), oldest first.
    public func pending(now: Date) async throws -> [ApprovalRequest] {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM approval WHERE state = 'pending' AND expires_at > ? ORDER BY created_at",
                arguments: [current]
            ).map(self.sealer.request)
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
}

extension ApprovalSealer {
    /// A request from its row, with the sealed action opened.
    func request(_ row: Row) -> ApprovalRequest {
        let created: Int64 = row["created_at"]
        let expires: Int64 = row["expires_at"]
        let decided: Int64? = row["decided_at"]
        let state: String = row["state"]
        let sendJSON: String? = row["send"]
        let id: String = row["id"]
        let digest: String = row["action_digest"]
        let keyID: String? = row["action_key_id"]
        let bytes: Data? = row["action_sealed"]
        return ApprovalRequest(
            id: id, actionDigest: digest, agent: row["agent"], tool: row["tool"],
            // An unreadable state never reads as approved.
            state: ApprovalRequest.State(rawValue: state) ?? .denied, approver: row["approver"],
            createdAt: Date(timeIntervalSince1970: TimeInterval(created)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)),
            send: sendJSON.flatMap { try? JSONDecoder().decode(HeldSend.self, from: Data($0.utf8)) },
            action: keyID.flatMap { keyID in
                bytes.flatMap { open(Sealed(keyID: keyID, bytes: $0), id: id, actionDigest: digest) }
            },
            decidedAt: decided.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            reason: row["reason"])
    }
}

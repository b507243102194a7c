import Foundation
import GRDB
import WardenContainment
import WardenCore

/// One run: a unit of an agent's work (an MCP session by default, or a run id the agent carries).
public struct RunRecord: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        case open
        /// At least one real outbound action was executed and recorded.
        case delivered
        /// A person was (or is being) told why the run did not deliver.
        case escalated
        /// Ended without delivering, by an agent not held to the delivery contract.
        case closed
    }

    /// The store's key: the owner and the name together, so a name is scoped to its principal.
    public var id: String
    /// The run id the agent uses (its session id, or its `Warden-Run-Id`).
    public var name: String
    /// The token subject that owns the run. Another principal using the same name has a run of its own and can
    /// never reach this one (nobody can squat on, probe or end another agent's run).
    public var subject: String
    public var startedAt: Date
    public var lastActivity: Date
    public var deadline: Date
    public var idleSeconds: Int
    public var deliveryRequired: Bool
    public var calls: Int
    public var tainted: Bool
    /// The run has read untrusted content with instruction signals (content that tries to steer the agent).
    public var instructed = false
    public var state: State
    public var deliveredBy: String?
    public var endReason: String?
    public var endedAt: Date?

    /// Run names: 1-128 ASCII letters, digits, `-`, `_` and `.` (a session id is 64 hex digits).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128
            && name.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
            }
    }

    public var context: RunContext {
        var context = RunContext(id: id, name: name, tainted: tainted, calls: calls, delivered: deliveredBy != nil)
        context.instructed = instructed
        return context
    }
}

/// A change to a run. Runs change only through these events, each recorded in the ledger first.
public enum RunEvent: Sendable, Equatable {
    case started(subject: String, deliveryRequired: Bool, deadline: Date, idleSeconds: Int)
    /// A delivery (a send, or a mutate/spend the configuration counts as delivery) was executed.
    case delivered(tool: String)
    /// The run ends escalated: `by` is `agent` (warden.escalate), `closed`, `deadline` or `idle`.
    case escalated(by: String, reason: String)
    /// The run ends without delivery, and its agent is not held to the contract.
    case closed(by: String)
    /// A call's output was read into the run: its values indexed with their source; untrusted output taints the
    /// run. Recorded in the ledger as part of the call's `tool.executed` entry.
    case read(tool: String, trusted: Bool, values: Int, signals: [String])
    /// A call one of Warden's own agents made, and how it ended (run store only: the call's own `tool.decision`
    /// and `tool.executed` entries are its ledger record). `tool` is as the model asked for it.
    case call(tool: String, outcome: String, rule: String?)
    /// The trusted task a run was given (Warden's own agents): its digest and where the run came from.
    case task(origin: String, sha256: String)

    var kind: String {
        switch self {
        case .started: "run.started"
        case .delivered: "run.delivered"
        case .escalated: "run.escalated"
        case .closed: "run.closed"
        case .read: "run.read"
        case .call: "run.call"
        case .task: "run.task"
        }
    }

    /// The ledger facts: names and rule-like words only; the escalation reason is a digest (it is the agent's text).
    func facts(run: String) -> [String: JSONValue] {
        var facts: [String: JSONValue] = ["run": .string(Digest.sha256Hex(Array(run.utf8)))]
        switch self {
        case .started(let subject, let required, let deadline, let idle):
            facts["agent"] = .string(subject)
            facts["delivery_required"] = .bool(required)
            facts["deadline"] = .integer(Int64(deadline.timeIntervalSince1970))
            facts["idle_seconds"] = .integer(Int64(idle))
        case .delivered(let tool):
            facts["tool"] = .string(tool)
        case .escalated(let by, let reason):
            facts["by"] = .string(by)
            facts["reason_sha256"] = .string(Digest.sha256Hex(Array(reason.utf8)))
        case .closed(let by):
            facts["by"] = .string(by)
        case .read(let tool, let trusted, let values, let signals):
            facts["tool"] = .string(tool)
            facts["output"] = .string(trusted ? "trusted" : "untrusted")
            facts["values"] = .integer(Int64(values))
            facts["signals"] = .array(signals.map { .string($0) })
        case .call(let tool, let outcome, let rule):
            facts["tool"] = .string(tool)
            facts["outcome"] = .string(outcome)
            if let rule { facts["rule"] = .string(rule) }
        case .task(let origin, let sha256):
            facts["origin"] = .string(origin)
            facts["task_sha256"] = .string(sha256)
        }
        return facts
    }
}

/// Why a run cannot be used.
public enum RunError: Error, Equatable, CustomStringConvertible, LogSafeError {
    /// The run has ended (delivered, escalated or closed); start a new one.
    case ended(RunRecord.State)
    case invalidID
    /// The principal has too many open runs.
    case tooManyOpen(limit: Int)

    public var description: String {
        switch self {
        case .ended(let state): "this run has ended (\(state.rawValue)); start a new run"
        case .invalidID: "a run id is 1-128 characters of letters, digits, '-', '_' and '.'"
        case .tooManyOpen(let limit): "this agent already has \(limit) open runs; end some (warden.escalate) first"
        }
    }

    public var logDescription: String { description }
}

/// Where runs live. SQLite in the cell now; PostgreSQL when several replicas share a tenant.
public protocol RunStore: Sendable {
    /// `subject`'s run `name`, created if it does not exist (at most `maxOpen` open runs per subject).
    func open(name: String, subject: String, defaults: RunDefaults, maxOpen: Int, now: Date) async throws -> (
        RunRecord, created: Bool
    )
    /// Marks the run as held to the delivery contract (one-way: once required, always required).
    func requireDelivery(_ id: String) async throws
    /// Adds counted calls (and their latest time) to runs, in one transaction.
    func addCalls(_ counts: [String: (count: Int, last: Date)]) async throws
    /// Ends the run escalated and queues the notice for a person, in one transaction (never one without the other).
    func escalate(_ id: String, by: String, reason: String, summary: String, now: Date) async throws -> RunRecord
    /// The runs named `name` (one per owner).
    func runs(named name: String) async throws -> [RunRecord]
    /// When `subject` was last notified of an escalation (notices are coalesced per agent and window).
    func lastNotified(subject: String) async throws -> Date?
    /// Each notice's state after this attempt.
    func markEscalations(ids: [Int64], sent: Bool, now: Date, maxAttempts: Int) async throws
        -> [Int64: EscalationNotice.State]
    /// Runs of `subject` that are open (not delivered or ended).
    func openRuns(of subject: String) async throws -> Int
    /// Applies `event` to the run and keeps it in the run's history; returns the run as it is now.
    func apply(_ event: RunEvent, to id: String, now: Date) async throws -> RunRecord
    func run(id: String) async throws -> RunRecord?
    /// The run's events, oldest first (for `warden runs show`).
    func events(of id: String) async throws -> [(at: Date, kind: String, facts: JSONValue)]
    /// Runs, newest first.
    func list(limit: Int) async throws -> [RunRecord]
    /// Open runs past their deadline or idle limit at `now`; idleness counts from `activeSince` at the earliest (the
    /// time the cell started: a run is not idle for the time the cell was down).
    func overdue(now: Date, activeSince: Date) async throws -> [RunRecord]
    func dueEscalations(now: Date) async throws -> [EscalationNotice]
    func escalations(of run: String?) async throws -> [EscalationNotice]
    func undeliveredEscalationCount() async throws -> Int
    /// What a call read, in one transaction: its values with their source, the run's taint when the content was
    /// untrusted, and the `run.read` event. Returns the run as it is now.
    func recordRead(_ event: RunEvent, entries: [IndexEntry], to id: String, now: Date) async throws -> RunRecord
    /// Every value the run has read, with its source (the run's provenance index).
    func provenance(of id: String) async throws -> [IndexEntry]
    /// Which of `values` `subject`'s other runs read in untrusted content since `since` (at most a few sources
    /// each, named with their run): a model carries what it read into its next run.
    /// Marks a new run `instructed` when another run of `subject` active since `since` was: a model carries what it
    /// read into the next run. Returns the run as it is now.
    func inheritInstructed(_ id: String, subject: String, since: Date) async throws -> RunRecord
    func untrustedElsewhere(
        subject: String, values: Set<TaggedValue>, since: Date, excluding run: String
    ) async throws -> [IndexEntry]
}

/// What a new run starts with.
public struct RunDefaults: Sendable {
    public var deliveryRequired: Bool
    public var deadlineSeconds: Int
    public var idleSeconds: Int

    public init(deliveryRequired: Bool, deadlineSeconds: Int, idleSeconds: Int) {
        self.deliveryRequired = deliveryRequired
        self.deadlineSeconds = deadlineSeconds
        self.idleSeconds = idleSeconds
    }
}

/// The cell's runs in SQLite (WAL): they survive a restart.
public final class SQLiteRunStore: RunStore {
    private let database: DatabasePool

    /// `synchronous = NORMAL` (WAL): the ledger is the record of every run event; this store is its index, and a
    /// power loss can at most lose the last call counts, never a ledger entry.
    public init(path: String) throws {
        var configuration = Configuration()
        // The CLI writes the same file from another process (`warden approvals approve`, `warden runs`, `warden grant`):
        // wait for its transaction rather than fail at once with "database is locked".
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        database = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-run") { db in
            try db.execute(
                sql: """
                    CREATE TABLE run (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        subject TEXT NOT NULL CHECK (length(subject) > 0),
                        started_at INTEGER NOT NULL,
                        last_activity INTEGER NOT NULL,
                        deadline INTEGER NOT NULL,
                        idle_seconds INTEGER NOT NULL,
                        delivery_required INTEGER NOT NULL,
                        calls INTEGER NOT NULL DEFAULT 0,
                        tainted INTEGER NOT NULL DEFAULT 0,
                        state TEXT NOT NULL CHECK (state IN ('open', 'delivered', 'escalated', 'closed')),
                        delivered_by TEXT,
                        end_reason TEXT,
                        ended_at INTEGER
                    );
                    CREATE INDEX run_open ON run (state, deadline);
                    CREATE INDEX run_name ON run (name);
                    CREATE INDEX run_subject ON run (subject, state);
                    CREATE TABLE run_event (
                        run TEXT NOT NULL REFERENCES run (id),
                        seq INTEGER NOT NULL,
                        at INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        facts TEXT NOT NULL,
                        PRIMARY KEY (run, seq)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v1-escalation") { db in
            try db.execute(
                sql: """
                    CREATE TABLE escalation (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        run TEXT NOT NULL REFERENCES run (id),
                        subject TEXT NOT NULL,
                        by TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        summary TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
                        sent_at INTEGER
                    );
                    CREATE INDEX escalation_due ON escalation (state, next_attempt);
                    """)
        }
        // Stores created by an early build of this session lack two columns; new stores have them from v1.
        migrator.registerMigration("v2-run-name") { db in
            let runColumns = try Row.fetchAll(db, sql: "PRAGMA table_info(run)").map { $0["name"] as String }
            if !runColumns.contains("name") {
                try db.execute(sql: "ALTER TABLE run ADD COLUMN name TEXT NOT NULL DEFAULT ''")
                try db.execute(sql: "UPDATE run SET name = id")
            }
            let escalationColumns = try Row.fetchAll(db, sql: "PRAGMA table_info(escalation)").map {
                $0["name"] as String
            }
            if !escalationColumns.contains("sent_at") {
                try db.execute(sql: "ALTER TABLE escalation ADD COLUMN sent_at INTEGER")
            }
        }
        migrator.registerMigration("v3-run-value") { db in
            try db.execute(
                sql: """
                    CREATE TABLE run_value (
                        run TEXT NOT NULL REFERENCES run (id),
                        kind TEXT NOT NULL,
                        value TEXT NOT NULL,
                        trusted INTEGER NOT NULL,
                        source TEXT NOT NULL,
                        PRIMARY KEY (run, kind, value, trusted, source)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4-run-value-lookup") { db in
            try db.execute(sql: "CREATE INDEX run_value_lookup ON run_value (kind, value, trusted)")
        }
        migrator.registerMigration("v5-run-instructed") { db in
            try db.execute(sql: "ALTER TABLE run ADD COLUMN instructed INTEGER NOT NULL DEFAULT 0")
            // Runs that read steering text before this column existed: their read events name the signals.
            try db.execute(
                sql: """
                    UPDATE run SET instructed = 1 WHERE id IN (
                        SELECT run FROM run_event WHERE kind = 'run.read' AND facts LIKE '%"output":"untrusted"%' AND (
                            facts LIKE '%"addressed-to-ai"%' OR facts LIKE '%"chat-template"%'
                            OR facts LIKE '%"conceal-from-user"%' OR facts LIKE '%"hidden-markup"%'
                            OR facts LIKE '%"ignore-instructions"%' OR facts LIKE '%"invisible-characters"%'
                            OR facts LIKE '%"role-override"%'))
                    """)
        }
        try migrator.migrate(database)
    }

    // MARK: Provenance (what each run read, and from where)

    public func recordRead(_ event: RunEvent, entries: [IndexEntry], to id: String, now: Date) async throws
        -> RunRecord
    {
        guard case .read(_, let trusted, _, let signals) = event else { throw RunError.invalidID }
        let at = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]) else {
                throw RunError.invalidID
            }
            let statement = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO run_value (run, kind, value, trusted, source) VALUES (?, ?, ?, ?, ?)")
            for entry in entries {
                try statement.execute(arguments: [
                    id, entry.value.kind.rawValue, entry.value.value, entry.trusted, entry.source,
                ])
            }
            if !trusted && !(row["tainted"] as Bool) {
                try db.execute(sql: "UPDATE run SET tainted = 1 WHERE id = ?", arguments: [id])
            }
            if !trusted && !InstructionSignals.steering.isDisjoint(with: signals) && !(row["instructed"] as Bool) {
                try db.execute(sql: "UPDATE run SET instructed = 1 WHERE id = ?", arguments: [id])
            }
            try Self.append(event, to: id, at: at, db: db)
            return try Self.fetch(id, db: db)
        }
    }

    public func inheritInstructed(_ id: String, subject: String, since: Date) async throws -> RunRecord {
        let after = Int64(since.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE run SET instructed = 1 WHERE id = ? AND EXISTS (
                        SELECT 1 FROM run WHERE subject = ? AND id != ? AND instructed = 1 AND last_activity >= ?)
                    """,
                arguments: [id, subject, id, after])
            return try Self.fetch(id, db: db)
        }
    }

    public func untrustedElsewhere(
        subject: String, values: Set<TaggedValue>, since: Date, excluding run: String
    ) async throws -> [IndexEntry] {
        guard !values.isEmpty else { return [] }
        let after = Int64(since.timeIntervalSince1970.rounded(.down))
        return try await database.read { db in
            var found: [IndexEntry] = []
            let statement = try db.cachedStatement(
                sql: """
                    SELECT r.name AS name, v.source AS source FROM run_value v JOIN run r ON r.id = v.run
                    WHERE v.kind = ? AND v.value = ? AND v.trusted = 0 AND r.subject = ? AND r.id != ?
                    AND r.last_activity >= ? LIMIT 3
                    """)
            for value in values.sorted() {
                let rows = try Row.fetchAll(
                    statement, arguments: [value.kind.rawValue, value.value, subject, run, after])
                for row in rows {
                    let source: String = row["source"]
                    let name: String = row["name"]
                    found.append(IndexEntry(value: value, trusted: false, source: "\(source) in run \(name)"))
                }
            }
            return found
        }
    }

    public func provenance(of id: String) async throws -> [IndexEntry] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT kind, value, trusted, source FROM run_value WHERE run = ?", arguments: [id]
            ).compactMap { row in
                guard let kind = ValueKind(rawValue: row["kind"]) else { return nil }
                return IndexEntry(
                    value: TaggedValue(kind: kind, value: row["value"]), trusted: row["trusted"], source: row["source"])
            }
        }
    }

    // MARK: Escalation notices (a queue: retried, and visible when they keep failing)

    public func escalate(_ id: String, by: String, reason: String, summary: String, now: Date) async throws
        -> RunRecord
    {
        let at = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            let run = try Self.fetch(id, db: db)
            guard run.state == .open || run.state == .delivered else { throw RunError.ended(run.state) }
            try db.execute(
                sql: "UPDATE run SET state = 'escalated', end_reason = ?, ended_at = ? WHERE id = ?",
                arguments: [by, at, id])
            try Self.append(.escalated(by: by, reason: reason), to: id, at: at, db: db)
            try db.execute(
                sql: """
                    INSERT INTO escalation (run, subject, by, reason, summary, created_at, next_attempt, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
                    """,
                arguments: [id, run.subject, by, reason, summary, at, at])
            return try Self.fetch(id, db: db)
        }
    }

    public func lastNotified(subject: String) async throws -> Date? {
        try await database.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(sent_at) FROM escalation WHERE subject = ?", arguments: [subject])
                .map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
    }

    public func dueEscalations(now: Date) async throws -> [EscalationNotice] {
        let at = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM escalation WHERE state = 'pending' AND next_attempt <= ? ORDER BY id",
                arguments: [at]
            ).map(Self.notice)
        }
    }

    public func escalations(of run: String? = nil) async throws -> [EscalationNotice] {
        try await database.read { db in
            if let run {
                return try Row.fetchAll(db, sql: "SELECT * FROM escalation WHERE run = ? ORDER BY id", arguments: [run])
                    .map(Self.notice)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM escalation ORDER BY id DESC LIMIT 200").map(Self.notice)
        }
    }

    /// Records a delivery attempt of these notices (sent together): sent, or retried later with backoff, or failed
    /// for good after `maxAttempts`.
    public func markEscalations(ids: [Int64], sent: Bool, now: Date, maxAttempts: Int) async throws
        -> [Int64: EscalationNotice.State]
    {
        let at = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            var result: [Int64: EscalationNotice.State] = [:]
            for id in ids {
                if sent {
                    try db.execute(
                        sql: "UPDATE escalation SET state = 'sent', attempts = attempts + 1, sent_at = ? WHERE id = ?",
                        arguments: [at, id])
                    result[id] = .sent
                    continue
                }
                let attempts =
                    (try Int.fetchOne(db, sql: "SELECT attempts FROM escalation WHERE id = ?", arguments: [id]) ?? 0)
                    + 1
                let state: EscalationNotice.State = attempts >= maxAttempts ? .failed : .pending
                let backoff = Int64(min(300, 1 << min(attempts, 8)))
                try db.execute(
                    sql: "UPDATE escalation SET attempts = ?, next_attempt = ?, state = ? WHERE id = ?",
                    arguments: [attempts, at + backoff, state.rawValue, id])
                result[id] = state
            }
            return result
        }
    }

    public func undeliveredEscalationCount() async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM escalation WHERE state != 'sent'") ?? 0
        }
    }

    static func notice(_ row: Row) -> EscalationNotice {
        let created: Int64 = row["created_at"]
        let state: String = row["state"]
        let key: String = row["run"]
        return EscalationNotice(
            id: row["id"], run: Self.name(ofKey: key), runKey: key,
            subject: row["subject"], by: row["by"], reason: row["reason"],
            summary: row["summary"], createdAt: Date(timeIntervalSince1970: TimeInterval(created)),
            attempts: row["attempts"], state: EscalationNotice.State(rawValue: state) ?? .failed)
    }

    /// The store key of `subject`'s run `name`: unambiguous (the subject's length first), scoped to the owner.
    public static func key(name: String, subject: String) -> String {
        "\(subject.utf8.count):\(subject)/\(name)"
    }

    /// The name part of a key (after the length-prefixed subject).
    static func name(ofKey key: String) -> String {
        let bytes = Array(key.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            let length = Int(String(decoding: bytes[..<colon], as: UTF8.self)), colon + 1 + length < bytes.count
        else { return key }
        return String(decoding: bytes[(colon + 2 + length)...], as: UTF8.self)
    }

    public func open(
        name: String, subject: String, defaults: RunDefaults, maxOpen: Int, now: Date
    ) async throws -> (RunRecord, created: Bool) {
        guard RunRecord.isValidName(name) else { throw RunError.invalidID }
        let id = Self.key(name: name, subject: subject)
        // The common case, a run that exists, is a read (no write lock, no sync on the call path).
        if let existing = try await run(id: id) { return (existing, false) }
        let at = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]) {
                return (Self.record(row), false)
            }
            let open =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM run WHERE subject = ? AND state = 'open'", arguments: [subject])
                ?? 0
            guard open < maxOpen else { throw RunError.tooManyOpen(limit: maxOpen) }
            let event = RunEvent.started(
                subject: subject, deliveryRequired: defaults.deliveryRequired,
                deadline: Date(timeIntervalSince1970: TimeInterval(at + Int64(defaults.deadlineSeconds))),
                idleSeconds: defaults.idleSeconds)
            try db.execute(
                sql: """
                    INSERT INTO run (id, name, subject, started_at, last_activity, deadline, idle_seconds,
                        delivery_required, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')
                    """,
                arguments: [
                    id, name, subject, at, at, at + Int64(defaults.deadlineSeconds), defaults.idleSeconds,
                    defaults.deliveryRequired,
                ])
            try Self.append(event, to: id, at: at, db: db)
            return (try Self.fetch(id, db: db), true)
        }
    }

    public func addCalls(_ counts: [String: (count: Int, last: Date)]) async throws {
        guard !counts.isEmpty else { return }
        try await database.write { db in
            for (id, counted) in counts {
                try db.execute(
                    sql: "UPDATE run SET calls = calls + ?, last_activity = max(last_activity, ?) WHERE id = ?",
                    arguments: [counted.count, Int64(counted.last.timeIntervalSince1970.rounded(.down)), id])
            }
        }
    }

    public func openRuns(of subject: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM run WHERE subject = ? AND state = 'open'", arguments: [subject])
                ?? 0
        }
    }

    public func requireDelivery(_ id: String) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE run SET delivery_required = 1 WHERE id = ?", arguments: [id])
        }
    }

    public func runs(named name: String) async throws -> [RunRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run WHERE name = ? ORDER BY started_at", arguments: [name])
                .map(Self.record)
        }
    }

    static func fetch(_ id: String, db: Database) throws -> RunRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]) else {
            throw RunError.invalidID
        }
        return record(row)
    }

    public func apply(_ event: RunEvent, to id: String, now: Date) async throws -> RunRecord {
        let at = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]) else {
                throw RunError.invalidID
            }
            let run = Self.record(row)
            switch event {
            case .started:
                break
            case .delivered(let tool):
                try db.execute(
                    sql: """
                        UPDATE run SET delivered_by = coalesce(delivered_by, ?), last_activity = ?,
                            state = CASE WHEN state = 'open' THEN 'delivered' ELSE state END
                        WHERE id = ?
                        """,
                    arguments: [tool, at, id])
            case .escalated:
                // Only `escalate` ends a run escalated: it queues the notice in the same transaction, so a run can
                // never be escalated without a person being told.
                throw RunError.ended(run.state)
            case .read:
                // Only `recordRead` records a read: it writes the values and the taint in the same transaction.
                throw RunError.invalidID
            case .call, .task:
                break
            case .closed(let by):
                guard run.state == .open else { throw RunError.ended(run.state) }
                try db.execute(
                    sql: "UPDATE run SET state = 'closed', end_reason = ?, ended_at = ? WHERE id = ?",
                    arguments: [by, at, id])
            }
            try Self.append(event, to: id, at: at, db: db)
            guard let updated = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]) else {
                throw RunError.invalidID
            }
            return Self.record(updated)
        }
    }

    static func append(_ event: RunEvent, to id: String, at: Int64, db: Database) throws {
        let next =
            (try Int64.fetchOne(db, sql: "SELECT max(seq) FROM run_event WHERE run = ?", arguments: [id]) ?? 0) + 1
        var facts = event.facts(run: id)
        if case .escalated(_, let reason) = event { facts["reason"] = .string(reason) }
        try db.execute(
            sql: "INSERT INTO run_event (run, seq, at, kind, facts) VALUES (?, ?, ?, ?, ?)",
            arguments: [id, next, at, event.kind, CanonicalJSON.string(.object(facts))])
    }

    public func run(id: String) async throws -> RunRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    public func events(of id: String) async throws -> [(at: Date, kind: String, facts: JSONValue)] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_event WHERE run = ? ORDER BY seq", arguments: [id]).map {
                row in
                let at: Int64 = row["at"]
                let text: String = row["facts"]
                return (
                    Date(timeIntervalSince1970: TimeInterval(at)), row["kind"],
                    (try? StrictJSONParser().parse(text)) ?? .null
                )
            }
        }
    }

    public func list(limit: Int) async throws -> [RunRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM run ORDER BY started_at DESC, id LIMIT ?", arguments: [limit]
            ).map(Self.record)
        }
    }

    public func overdue(now: Date, activeSince: Date) async throws -> [RunRecord] {
        let at = Int64(now.timeIntervalSince1970.rounded(.down))
        let since = Int64(activeSince.timeIntervalSince1970.rounded(.down))
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM run WHERE state = 'open'
                    AND (deadline <= ? OR max(last_activity, ?) + idle_seconds <= ?) ORDER BY started_at
                    """,
                arguments: [at, since, at]
            ).map(Self.record)
        }
    }

    static func record(_ row: Row) -> RunRecord {
        let started: Int64 = row["started_at"]
        let last: Int64 = row["last_activity"]
        let deadline: Int64 = row["deadline"]
        let ended: Int64? = row["ended_at"]
        let state: String = row["state"]
        var record = RunRecord(
            id: row["id"], name: row["name"], subject: row["subject"],
            startedAt: Date(timeIntervalSince1970: TimeInterval(started)),
            lastActivity: Date(timeIntervalSince1970: TimeInterval(last)),
            deadline: Date(timeIntervalSince1970: TimeInterval(deadline)), idleSeconds: row["idle_seconds"],
            deliveryRequired: row["delivery_required"], calls: row["calls"], tainted: row["tainted"],
            // An unreadable state never reads as open or delivered.
            state: RunRecord.State(rawValue: state) ?? .escalated, deliveredBy: row["delivered_by"],
            endReason: row["end_reason"], endedAt: ended.map { Date(timeIntervalSince1970: TimeInterval($0)) })
        record.instructed = row["instructed"]
        return record
    }
}

/// A person must be told that a run ended without delivering: the notice, as queued for the escalation channel.
public struct EscalationNotice: Sendable, Equatable {
    public enum State: String, Sendable {
        case pending, sent, failed
    }

    public var id: Int64 = 0
    /// The run's name (what the agent and operators know it by).
    public var run: String
    /// The run's store key.
    public var runKey: String = ""
    /// Every run a notification covers (several notices of one agent go out together).
    public var runs: [String] = []
    public var subject: String
    /// `agent` (warden.escalate), `closed`, `deadline` or `idle`.
    public var by: String
    public var reason: String
    public var summary: String
    public var createdAt: Date = Date()
    public var attempts: Int = 0
    public var state: State = .pending
}

import Foundation
import GRDB

/// What the scheduler decided for each slot of each agent, and the runs people asked for (`warden agents run
/// --now`), in `data_dir/agents.sqlite`. A slot is claimed by inserting it under a primary key, so a slot runs at
/// most once — also across a restart, and if two cells were pointed at one data folder by mistake.
public final class AgentScheduleStore: Sendable {
    private let database: DatabasePool

    /// One slot's fate.
    public struct Slot: Sendable, Equatable {
        public enum State: String, Sendable {
            /// A run was started for the slot.
            case started
            /// The run ended (`ending` says how).
            case done
            /// No run: missed while the cell was down, or the agent's previous run was still going.
            case skipped
        }

        public var agent: String
        public var time: Date
        public var state: State
        public var run: String?
        /// Why a slot was skipped, or how its run ended.
        public var note: String?
    }

    /// A run a person asked for.
    public struct Request: Sendable, Equatable {
        public enum State: String, Sendable {
            case queued, taken, done, expired
        }

        public var id: Int64
        public var agent: String
        public var task: String?
        public var requestedAt: Date
        public var state: State
        public var run: String?
        public var note: String?
    }

    public init(path: String) throws {
        var configuration = Configuration()
        // The CLI writes the same file from another process (`warden approvals approve`, `warden runs`, `warden grant`):
        // wait for its transaction rather than fail at once with "database is locked".
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        database = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-agent-schedule") { db in
            try db.execute(
                sql: """
                    CREATE TABLE agent_slot (
                        agent TEXT NOT NULL,
                        slot INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('started', 'done', 'skipped')),
                        run TEXT,
                        note TEXT,
                        decided_at INTEGER NOT NULL,
                        PRIMARY KEY (agent, slot)
                    ) WITHOUT ROWID;
                    CREATE TABLE agent_watermark (
                        agent TEXT PRIMARY KEY NOT NULL,
                        through INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE agent_request (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        agent TEXT NOT NULL,
                        task TEXT,
                        requested_at INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('queued', 'taken', 'done', 'expired')),
                        run TEXT,
                        note TEXT,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX agent_request_state ON agent_request (state, requested_at);
                    """)
        }
        try migrator.migrate(database)
    }

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    /// Until when `agent`'s slots have been considered (run or skipped); nil for an agent never scheduled here.
    public func watermark(of agent: String) async throws -> Date? {
        try await database.read { db in
            try Int64.fetchOne(db, sql: "SELECT through FROM agent_watermark WHERE agent = ?", arguments: [agent])
                .map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
    }

    /// Sets the watermark of an agent seen for the first time (its earlier slots are not its own to catch up).
    public func startWatermark(of agent: String, at date: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO agent_watermark (agent, through) VALUES (?, ?)",
                arguments: [agent, Self.seconds(date)])
        }
    }

    /// Claims `slot` for a run named `run`; false when the slot was already decided (it never runs twice).
    public func claim(agent: String, slot: Date, run: String, now: Date) async throws -> Bool {
        try await decide(agent: agent, slot: slot, state: .started, run: run, note: nil, now: now)
    }

    /// Records `slot` as skipped, with the reason; false when it was already decided.
    @discardableResult
    public func skip(agent: String, slot: Date, note: String, now: Date) async throws -> Bool {
        try await decide(agent: agent, slot: slot, state: .skipped, run: nil, note: note, now: now)
    }

    func decide(agent: String, slot: Date, state: Slot.State, run: String?, note: String?, now: Date) async throws
        -> Bool
    {
        let at = Self.seconds(slot)
        return try await database.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO agent_slot (agent, slot, state, run, note, decided_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [agent, at, state.rawValue, run, note, Self.seconds(now)])
            let inserted = db.changesCount == 1
            try db.execute(
                sql: """
                    INSERT INTO agent_watermark (agent, through) VALUES (?, ?)
                    ON CONFLICT (agent) DO UPDATE SET through = max(through, excluded.through)
                    """,
                arguments: [agent, at])
            return inserted
        }
    }

    /// The slot's run ended.
    public func finishSlot(agent: String, slot: Date, note: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE agent_slot SET state = 'done', note = ? WHERE agent = ? AND slot = ?",
                arguments: [note, agent, Self.seconds(slot)])
        }
    }

    /// Marks slots and requests still running (left by a cell that stopped) as done with `note`.
    public func markInterrupted(note: String, now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE agent_slot SET state = 'done', note = ? WHERE state = 'started'", arguments: [note])
            try db.execute(
                sql: "UPDATE agent_request SET state = 'done', note = ?, updated_at = ? WHERE state = 'taken'",
                arguments: [note, Self.seconds(now)])
        }
    }

    /// The newest slots of `agent` (all agents when nil), newest first.
    public func slots(of agent: String?, limit: Int) async throws -> [Slot] {
        try await database.read { db in
            let rows: [Row]
            if let agent {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM agent_slot WHERE agent = ? ORDER BY slot DESC LIMIT ?",
                    arguments: [agent, limit])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM agent_slot ORDER BY slot DESC LIMIT ?", arguments: [limit])
            }
            return rows.map { row in
                Slot(
                    agent: row["agent"], time: Date(timeIntervalSince1970: TimeInterval(row["slot"] as Int64)),
                    state: Slot.State(rawValue: row["state"]) ?? .skipped, run: row["run"], note: row["note"])
            }
        }
    }

    // MARK: Runs people ask for

    /// Queues a run of `agent` now (taken by the running cell within a second).
    public func request(agent: String, task: String?, now: Date) async throws -> Int64 {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO agent_request (agent, task, requested_at, state, updated_at)
                    VALUES (?, ?, ?, 'queued', ?)
                    """,
                arguments: [agent, task, Self.seconds(now), Self.seconds(now)])
            return db.lastInsertedRowID
        }
    }

    /// Takes the queued requests (each once); requests older than `maxAge` expire instead (their asker gave up).
    public func takeRequests(now: Date, maxAge: TimeInterval) async throws -> [Request] {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE agent_request SET state = 'expired', updated_at = ?,
                        note = 'no cell took the request in time'
                    WHERE state = 'queued' AND requested_at < ?
                    """,
                arguments: [Self.seconds(now), Self.seconds(now.addingTimeInterval(-maxAge))])
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM agent_request WHERE state = 'queued' ORDER BY id")
            for row in rows {
                let id: Int64 = row["id"]
                let agent: String = row["agent"]
                try db.execute(
                    sql: "UPDATE agent_request SET state = 'taken', run = ?, updated_at = ? WHERE id = ?",
                    arguments: [Self.requestRunName(agent: agent, id: id, now: now), Self.seconds(now), id])
            }
            return try rows.map { row in
                let id: Int64 = row["id"]
                return try Self.request(
                    Row.fetchOne(db, sql: "SELECT * FROM agent_request WHERE id = ?", arguments: [id]) ?? row)
            }
        }
    }

    static func requestRunName(agent: String, id: Int64, now: Date) -> String {
        "\(agent)-now-\(id)-\(seconds(now))"
    }

    /// A request that cannot run (unknown agent, the agent busy): done with the reason.
    public func finishRequest(id: Int64, note: String, now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE agent_request SET state = 'done', note = ?, updated_at = ? WHERE id = ?",
                arguments: [note, Self.seconds(now), id])
        }
    }

    public func request(id: Int64) async throws -> Request? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM agent_request WHERE id = ?", arguments: [id]).map(Self.request)
        }
    }

    static func request(_ row: Row) -> Request {
        Request(
            id: row["id"], agent: row["agent"], task: row["task"],
            requestedAt: Date(timeIntervalSince1970: TimeInterval(row["requested_at"] as Int64)),
            state: Request.State(rawValue: row["state"]) ?? .expired, run: row["run"], note: row["note"])
    }
}

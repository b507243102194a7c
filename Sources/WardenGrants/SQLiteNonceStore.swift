import Foundation
import GRDB

/// The cell's grant database: used nonces and grants attached to exact actions.
///
/// Nonces: one SQLite table in WAL mode with `synchronous = FULL`, so a consumed nonce is on disk
/// before ``consume(nonce:expiresAt:)`` returns.
///
/// Single use rests on the primary key: `INSERT ... ON CONFLICT DO NOTHING` inserts a row only if none exists,
/// atomically inside SQLite, so of any number of concurrent redemptions (threads or processes sharing the file)
/// exactly one sees a changed row. No read-then-write race exists to exploit.
public final class SQLiteNonceStore: NonceStore, AttachedGrantStore {
    private let database: DatabasePool

    /// Opens (creating if needed) the nonce database at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        // The CLI writes the same file from another process (`warden approvals approve`, `warden runs`, `warden grant`):
        // wait for its transaction rather than fail at once with "database is locked".
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-grant-nonce") { db in
            try db.execute(
                sql: """
                    CREATE TABLE grant_nonce (
                        nonce BLOB PRIMARY KEY NOT NULL CHECK (length(nonce) = 16),
                        expires_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX grant_nonce_expires_at ON grant_nonce (expires_at);
                    """)
        }
        migrator.registerMigration("v2-attached-grant") { db in
            try db.execute(
                sql: """
                    CREATE TABLE attached_grant (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        action_digest TEXT NOT NULL CHECK (length(action_digest) = 64),
                        token TEXT NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE INDEX attached_grant_action ON attached_grant (action_digest, id);
                    """)
        }
        // Attachments belong to one agent; rows from before this column (agent '') never match anyone.
        migrator.registerMigration("v3-attached-grant-agent") { db in
            try db.execute(
                sql: """
                    ALTER TABLE attached_grant ADD COLUMN agent TEXT NOT NULL DEFAULT '';
                    DROP INDEX attached_grant_action;
                    CREATE INDEX attached_grant_action ON attached_grant (action_digest, agent, id);
                    """)
        }
        // Two-phase use: a nonce is reserved by a call, then committed once the call's decision is durable.
        // Rows from before this column are used.
        migrator.registerMigration("v4-two-phase") { db in
            try db.execute(
                sql: """
                    ALTER TABLE grant_nonce ADD COLUMN reserved_until INTEGER;
                    ALTER TABLE attached_grant ADD COLUMN reserved_until INTEGER;
                    """)
        }
        try migrator.migrate(database)
    }

    public func attach(token: String, actionDigest: String, agent: String, expiresAt: Date) async throws {
        let expiry = Int64(expiresAt.timeIntervalSince1970.rounded(.up))
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO attached_grant (action_digest, agent, token, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [actionDigest, agent, token, expiry])
        }
    }

    public func detach(actionDigest: String, agent: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM attached_grant WHERE action_digest = ? AND agent = ? AND reserved_until IS NULL",
                arguments: [actionDigest, agent])
        }
    }

    public func takeAttached(actionDigest: String, agent: String, now: Date) async throws -> String? {
        guard let reserved = try await reserveAttached(actionDigest: actionDigest, agent: agent, now: now) else {
            return nil
        }
        guard try await commitAttached(id: reserved.id, until: reserved.until) else { return nil }
        return reserved.token
    }

    public func reserveAttached(
        actionDigest: String, agent: String, now: Date, holdFor: TimeInterval = 120
    ) async throws -> (id: Int64, token: String, until: Int64)? {
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        let until = current + Int64(holdFor)
        return try await database.write { db in
            try db.execute(sql: "DELETE FROM attached_grant WHERE expires_at <= ?", arguments: [current])
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, token FROM attached_grant
                        WHERE action_digest = ? AND agent = ? AND agent != ''
                        AND (reserved_until IS NULL OR reserved_until < ?) ORDER BY id LIMIT 1
                        """,
                    arguments: [actionDigest, agent, current])
            else { return nil }
            let id: Int64 = row["id"]
            try db.execute(sql: "UPDATE attached_grant SET reserved_until = ? WHERE id = ?", arguments: [until, id])
            return (id, row["token"], until)
        }
    }

    public func commitAttached(id: Int64, until: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM attached_grant WHERE id = ? AND reserved_until = ?", arguments: [id, until])
            return db.changesCount == 1
        }
    }

    public func releaseAttached(id: Int64, until: Int64) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE attached_grant SET reserved_until = NULL WHERE id = ? AND reserved_until = ?",
                arguments: [id, until])
        }
    }

    public func consume(nonce: GrantNonce, expiresAt: Date) async throws -> Bool {
        // A row with reserved_until set is held by a call; a plain consume never takes it over.
        let key = Data(nonce.bytes)
        let expiry = Int64(expiresAt.timeIntervalSince1970.rounded(.up))
        return try await database.write { db in
            try db.execute(
                sql: "INSERT INTO grant_nonce (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING",
                arguments: [key, expiry])
            return db.changesCount == 1
        }
    }

    public func reserve(nonce: GrantNonce, expiresAt: Date, until: Date) async throws -> Bool {
        let key = Data(nonce.bytes)
        let expiry = Int64(expiresAt.timeIntervalSince1970.rounded(.up))
        let hold = Int64(until.timeIntervalSince1970.rounded(.up))
        let now = Int64(Date().timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO grant_nonce (nonce, expires_at, reserved_until) VALUES (?, ?, ?)
                    ON CONFLICT (nonce) DO UPDATE SET reserved_until = excluded.reserved_until
                    WHERE grant_nonce.reserved_until IS NOT NULL AND grant_nonce.reserved_until < ?
                    """,
                arguments: [key, expiry, hold, now])
            return db.changesCount == 1
        }
    }

    public func commit(nonce: GrantNonce, until: Date) async throws -> Bool {
        let hold = Int64(until.timeIntervalSince1970.rounded(.up))
        return try await database.write { db in
            try db.execute(
                sql: "UPDATE grant_nonce SET reserved_until = NULL WHERE nonce = ? AND reserved_until = ?",
                arguments: [Data(nonce.bytes), hold])
            return db.changesCount == 1
        }
    }

    public func release(nonce: GrantNonce, until: Date) async throws {
        let hold = Int64(until.timeIntervalSince1970.rounded(.up))
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM grant_nonce WHERE nonce = ? AND reserved_until = ?",
                arguments: [Data(nonce.bytes), hold])
        }
    }

    @discardableResult
    public func prune(before cutoff: Date) async throws -> Int {
        let limit = Int64(cutoff.timeIntervalSince1970.rounded(.down))
        return try await database.write { db in
            try db.execute(sql: "DELETE FROM grant_nonce WHERE expires_at < ?", arguments: [limit])
            return db.changesCount
        }
    }

    /// The journal mode SQLite reports (for tests and diagnostics).
    public func journalMode() throws -> String {
        try database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}

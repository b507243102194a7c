import Foundation

/// One MCP session: created by `initialize`, bound to the principal that created it.
public struct MCPSession: Sendable {
    public var id: String
    /// The subject that initialised the session; a session id presented by anyone else is unknown.
    public var owner: String
    public var protocolVersion: String
    public var run: RunContext
    var lastUsed: ContinuousClock.Instant
}

/// Live MCP sessions of this cell. A session id is a 256-bit random value and is never an authenticator:
/// every request is authenticated on its own, and the session must belong to the authenticated subject.
///
/// Holding sessions costs the holder, never anyone else: a subject at its own cap loses its least recently
/// used session when it opens another, and when the cell is full the subject holding the most sessions loses
/// its least recently used one. So, whatever the settings, a subject that holds no session can always open one.
public actor MCPSessionStore {
    let idleLimit: Duration
    let maxSessions: Int
    let maxPerSubject: Int
    var sessions: [String: MCPSession] = [:]
    var bySubject: [String: Set<String>] = [:]
    /// Sessions closed to make room since the last `takeEvicted` (their runs are ended by the endpoint).
    var evicted: [(id: String, owner: String)] = []

    public init(idleSeconds: Int, maxSessions: Int, maxPerSubject: Int = 32) {
        self.idleLimit = .seconds(idleSeconds)
        self.maxSessions = max(1, maxSessions)
        self.maxPerSubject = max(1, min(maxPerSubject, maxSessions))
    }

    public func create(owner: String, protocolVersion: String) -> MCPSession {
        expireIdle()
        if let own = bySubject[owner], own.count >= maxPerSubject { evictLeastRecentlyUsed(of: owner) }
        if sessions.count >= maxSessions, let most = bySubject.values.map(\.count).max(),
            // Among subjects holding equally many, chance picks (a fixed order would let one be aimed at).
            let heaviest = bySubject.filter({ $0.value.count == most }).keys.randomElement()
        {
            evictLeastRecentlyUsed(of: heaviest)
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let id = bytes.map { String(format: "%02x", $0) }.joined()
        let session = MCPSession(
            id: id,
            owner: owner,
            protocolVersion: protocolVersion,
            run: RunContext(sessionID: id),
            lastUsed: .now
        )
        sessions[id] = session
        bySubject[owner, default: []].insert(id)
        return session
    }

    /// The session with `id` if it exists, is not idle-expired and belongs to `owner`.
    public func use(id: String, owner: String) -> MCPSession? {
        guard var session = sessions[id] else { return nil }
        guard ContinuousClock.now - session.lastUsed <= idleLimit else {
            remove(id)
            return nil
        }
        guard session.owner == owner else { return nil }
        session.lastUsed = .now
        sessions[id] = session
        return session
    }

    @discardableResult
    public func end(id: String, owner: String) -> Bool {
        guard let session = sessions[id], session.owner == owner else { return false }
        remove(id)
        return true
    }

    public var count: Int { sessions.count }

    /// Sessions held by `subject` (for tests and metrics).
    public func count(of subject: String) -> Int { bySubject[subject]?.count ?? 0 }

    func remove(_ id: String) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        bySubject[session.owner]?.remove(id)
        if bySubject[session.owner]?.isEmpty == true { bySubject[session.owner] = nil }
    }

    func evictLeastRecentlyUsed(of subject: String) {
        let oldest = bySubject[subject]?.compactMap { sessions[$0] }.min { $0.lastUsed < $1.lastUsed }
        if let oldest {
            remove(oldest.id)
            evicted.append((oldest.id, oldest.owner))
            if evicted.count > 1000 { evicted.removeFirst(evicted.count - 1000) }
        }
    }

    /// The sessions evicted since the last call (bounded: only the newest thousand are kept).
    public func takeEvicted() -> [(id: String, owner: String)] {
        defer { evicted = [] }
        return evicted
    }

    func expireIdle() {
        let now = ContinuousClock.now
        for (id, session) in sessions where now - session.lastUsed > idleLimit { remove(id) }
    }
}

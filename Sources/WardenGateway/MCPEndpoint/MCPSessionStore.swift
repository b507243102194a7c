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
public actor MCPSessionStore {
    let idleLimit: Duration
    let maxSessions: Int
    var sessions: [String: MCPSession] = [:]

    public init(idleSeconds: Int, maxSessions: Int) {
        self.idleLimit = .seconds(idleSeconds)
        self.maxSessions = maxSessions
    }

    public func create(owner: String, protocolVersion: String) -> MCPSession? {
        expireIdle()
        guard sessions.count < maxSessions else { return nil }
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
        return session
    }

    /// The session with `id` if it exists, is not idle-expired and belongs to `owner`.
    public func use(id: String, owner: String) -> MCPSession? {
        guard var session = sessions[id] else { return nil }
        guard ContinuousClock.now - session.lastUsed <= idleLimit else {
            sessions[id] = nil
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
        sessions[id] = nil
        return true
    }

    public var count: Int { sessions.count }

    func expireIdle() {
        let now = ContinuousClock.now
        sessions = sessions.filter { now - $0.value.lastUsed <= idleLimit }
    }
}

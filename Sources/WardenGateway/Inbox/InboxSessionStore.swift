import Foundation

/// One sign-in in progress: what the callback must match (`state`, via the browser's login cookie too), what the
/// ID token must carry (`nonce`), and the PKCE verifier only the inbox knows.
struct PendingLogin: Sendable, Equatable {
    var state: String
    var nonce: String
    var verifier: String
    var createdAt: Date
}

/// A signed-in approver's session: who they are and the CSRF token every form of this session carries.
struct InboxSession: Sendable, Equatable {
    var id: String
    var person: InboxPerson
    var csrf: String
    var createdAt: Date
    var lastSeen: Date
}

/// Sessions and logins in progress, in memory (a restart signs everyone out, which fails closed).
///
/// A session ends `absolute` after sign-in or `idle` after its last use; a login must complete within ten minutes
/// and is used once. Both tables are bounded (the oldest entries go first), so unauthenticated visitors starting
/// logins in a loop cannot grow memory without limit.
actor InboxSessionStore {
    static let loginLifetime: TimeInterval = 600
    static let maximumLogins = 1000
    static let maximumSessions = 10_000
    let absolute: TimeInterval
    let idle: TimeInterval
    private let now: @Sendable () -> Date
    private var logins: [String: PendingLogin] = [:]
    private var sessions: [String: InboxSession] = [:]

    init(absolute: TimeInterval, idle: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.absolute = absolute
        self.idle = idle
        self.now = now
    }

    func beginLogin() -> PendingLogin {
        let current = now()
        logins = logins.filter { current.timeIntervalSince($0.value.createdAt) < Self.loginLifetime }
        if logins.count >= Self.maximumLogins, let oldest = logins.min(by: { $0.value.createdAt < $1.value.createdAt })
        {
            logins[oldest.key] = nil
        }
        let login = PendingLogin(
            state: InboxTokens.random(), nonce: InboxTokens.random(), verifier: InboxTokens.random(), createdAt: current
        )
        logins[login.state] = login
        return login
    }

    /// The login for `state`, removed (a code is redeemed once); nil when unknown or expired.
    func takeLogin(state: String) -> PendingLogin? {
        guard let login = logins.removeValue(forKey: state) else { return nil }
        guard now().timeIntervalSince(login.createdAt) < Self.loginLifetime else { return nil }
        return login
    }

    func create(for person: InboxPerson) -> InboxSession {
        let current = now()
        if sessions.count >= Self.maximumSessions,
            let oldest = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen })
        {
            sessions[oldest.key] = nil
        }
        let session = InboxSession(
            id: InboxTokens.random(), person: person, csrf: InboxTokens.random(), createdAt: current, lastSeen: current)
        sessions[session.id] = session
        return session
    }

    /// The live session for `id` (its use recorded); nil when unknown, idle too long or past its lifetime.
    func session(id: String) -> InboxSession? {
        guard var session = sessions[id] else { return nil }
        let current = now()
        guard current.timeIntervalSince(session.createdAt) < absolute,
            current.timeIntervalSince(session.lastSeen) < idle
        else {
            sessions[id] = nil
            return nil
        }
        session.lastSeen = current
        sessions[id] = session
        return session
    }

    func end(id: String) {
        sessions[id] = nil
    }
}

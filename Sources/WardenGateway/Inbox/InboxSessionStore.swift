import Crypto
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
/// A session ends `absolute` after sign-in or `idle` after its last use; the session table is bounded (the least
/// recently used go first). A login in progress keeps nothing here: its `state` carries its start time and a MAC
/// under a key of this process, and its nonce and PKCE verifier are derived from it, so visitors starting logins in
/// a loop cannot grow memory or push a real approver's login out. A login completes within ten minutes and is
/// used once (only states that came back from the provider are remembered, until they expire).
actor InboxSessionStore {
    static let loginLifetime: TimeInterval = 600
    static let maximumUsedLogins = 10_000
    static let maximumSessions = 10_000
    let absolute: TimeInterval
    let idle: TimeInterval
    private let now: @Sendable () -> Date
    private let loginKey = SymmetricKey(size: .bits256)
    private var usedLogins: [String: Date] = [:]
    private var sessions: [String: InboxSession] = [:]

    init(absolute: TimeInterval, idle: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.absolute = absolute
        self.idle = idle
        self.now = now
    }

    /// How long ago the session's person signed in.
    func age(of session: InboxSession) -> TimeInterval {
        now().timeIntervalSince(session.createdAt)
    }

    func beginLogin() -> PendingLogin {
        let seconds = Int64(now().timeIntervalSince1970.rounded(.down))
        let body = InboxTokens.random() + "." + String(seconds)
        return login(state: body + "." + mac("state", body), body: body, seconds: seconds)
    }

    /// The login for `state`, used up (a code is redeemed once); nil when forged, expired or already used.
    func takeLogin(state: String) -> PendingLogin? {
        let parts = state.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let seconds = Int64(parts[1]) else { return nil }
        let body = parts[0] + "." + parts[1]
        guard InboxTokens.equal(String(parts[2]), mac("state", String(body))) else { return nil }
        let current = now()
        let started = Date(timeIntervalSince1970: TimeInterval(seconds))
        guard started <= current.addingTimeInterval(5), current.timeIntervalSince(started) < Self.loginLifetime else {
            return nil
        }
        usedLogins = usedLogins.filter { current.timeIntervalSince($0.value) < Self.loginLifetime }
        guard usedLogins[state] == nil, usedLogins.count < Self.maximumUsedLogins else { return nil }
        usedLogins[state] = started
        return login(state: state, body: String(body), seconds: seconds)
    }

    private func login(state: String, body: String, seconds: Int64) -> PendingLogin {
        PendingLogin(
            state: state, nonce: mac("nonce", body), verifier: mac("verifier", body),
            createdAt: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// HMAC-SHA256 of `label` and `body` under this process's login key, base64url (43 characters).
    private func mac(_ label: String, _ body: String) -> String {
        let tag = HMAC<SHA256>.authenticationCode(for: Array((label + "|" + body).utf8), using: loginKey)
        return InboxTokens.base64URL(Array(tag))
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

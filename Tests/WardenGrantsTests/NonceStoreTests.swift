import Foundation
import Testing
import WardenGrants

@Suite("SQLite nonce store")
struct NonceStoreTests {
    let expiry = Fixture.now.addingTimeInterval(300)

    @Test("a nonce is consumed once: true the first time, false ever after")
    func singleUse() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteNonceStore(path: directory.file("nonces.sqlite"))
        let nonce = GrantNonce.random()
        #expect(try await store.consume(nonce: nonce, expiresAt: expiry))
        #expect(try await store.consume(nonce: nonce, expiresAt: expiry) == false)
        #expect(try await store.consume(nonce: GrantNonce.random(), expiresAt: expiry))
    }

    @Test("of many concurrent consumes of one nonce exactly one succeeds")
    func concurrentConsume() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteNonceStore(path: directory.file("nonces.sqlite"))
        let nonce = GrantNonce.random()
        let expiry = self.expiry
        let successes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<32 { group.addTask { try await store.consume(nonce: nonce, expiresAt: expiry) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 1)
    }

    @Test("a consumed nonce stays consumed after the store is reopened (a crash after consume cannot replay)")
    func durableAcrossReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let grant = try Fixture.mint()
        let facts = try Fixture.facts()
        let verifier = GrantVerifier(keys: Fixture.acmeKeys)
        do {
            let store = try SQLiteNonceStore(path: directory.file("nonces.sqlite"))
            _ = try await GrantRedeemer(verifier: verifier, nonces: store).redeem(
                grant.token, for: facts, now: Fixture.now)
            // The process "crashes" here, before the send.
        }
        let restarted = try SQLiteNonceStore(path: directory.file("nonces.sqlite"))
        await #expect(throws: GrantRefusal.replayed) {
            try await GrantRedeemer(verifier: verifier, nonces: restarted).redeem(
                grant.token, for: facts, now: Fixture.now)
        }
    }

    @Test("a refused grant does not consume its nonce")
    func refusalDoesNotConsume() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteNonceStore(path: directory.file("nonces.sqlite"))
        let redeemer = GrantRedeemer(verifier: GrantVerifier(keys: Fixture.acmeKeys), nonces: store)
        let grant = try Fixture.mint(to: ["alice@example.com"])
        await #expect(throws: GrantRefusal.recipientNotCovered(try Fixture.email("eve@example.com"))) {
            try await redeemer.redeem(grant.token, for: try Fixture.facts(to: ["eve@example.com"]), now: Fixture.now)
        }
        #expect(try await store.consume(nonce: grant.claims.nonce, expiresAt: expiry))
    }

    @Test("pruning forgets only nonces whose grants expired before the cutoff")
    func pruning() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteNonceStore(path: directory.file("nonces.sqlite"))
        let old = GrantNonce.random()
        let current = GrantNonce.random()
        _ = try await store.consume(nonce: old, expiresAt: Fixture.now.addingTimeInterval(-10))
        _ = try await store.consume(nonce: current, expiresAt: Fixture.now.addingTimeInterval(10))
        #expect(try await store.prune(before: Fixture.now) == 1)
        #expect(try await store.consume(nonce: current, expiresAt: expiry) == false)
        #expect(try await store.consume(nonce: old, expiresAt: expiry))
    }

    @Test("the database runs in WAL mode")
    func walMode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        #expect(try SQLiteNonceStore(path: directory.file("nonces.sqlite")).journalMode() == "wal")
    }
}

@Suite("grant redemption under concurrency")
struct ConcurrentRedemptionTests {
    @Test("of many concurrent redemptions of one grant exactly one succeeds; the rest are replays")
    func concurrentRedeem() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let redeemer = GrantRedeemer(
            verifier: GrantVerifier(keys: Fixture.acmeKeys),
            nonces: try SQLiteNonceStore(path: directory.file("nonces.sqlite")))
        let grant = try Fixture.mint()
        let facts = try Fixture.facts()
        let outcomes = try await withThrowingTaskGroup(of: GrantRefusal?.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    do {
                        _ = try await redeemer.redeem(grant.token, for: facts, now: Fixture.now)
                        return nil
                    } catch let refusal as GrantRefusal {
                        return refusal
                    }
                }
            }
            return try await group.reduce(into: [GrantRefusal?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == .replayed }.count == 15)
    }
}

@Suite("Grants attached to an exact action")
struct AttachedGrantStoreTests {
    let action = String(repeating: "ab", count: 32)
    let other = String(repeating: "cd", count: 32)

    @Test("an attached grant is taken once, only for its action, oldest first")
    func takenOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteNonceStore(path: directory.file("grants.sqlite"))
        let later = Fixture.now.addingTimeInterval(300)
        try await store.attach(token: "wg1.first", actionDigest: action, agent: "agent-1", expiresAt: later)
        try await store.attach(token: "wg1.second", actionDigest: action, agent: "agent-1", expiresAt: later)
        #expect(try await store.takeAttached(actionDigest: other, agent: "agent-1", now: Fixture.now) == nil)
        #expect(try await store.takeAttached(actionDigest: action, agent: "agent-1", now: Fixture.now) == "wg1.first")
        #expect(try await store.takeAttached(actionDigest: action, agent: "agent-1", now: Fixture.now) == "wg1.second")
        #expect(try await store.takeAttached(actionDigest: action, agent: "agent-1", now: Fixture.now) == nil)
    }

    @Test("another agent repeating the same action finds nothing and cannot burn the attachment")
    func otherAgent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteNonceStore(path: directory.file("grants.sqlite"))
        try await store.attach(
            token: "wg1.mine", actionDigest: action, agent: "agent-1", expiresAt: Fixture.now.addingTimeInterval(60))
        #expect(try await store.takeAttached(actionDigest: action, agent: "agent-2", now: Fixture.now) == nil)
        #expect(try await store.takeAttached(actionDigest: action, agent: "", now: Fixture.now) == nil)
        #expect(try await store.takeAttached(actionDigest: action, agent: "agent-1", now: Fixture.now) == "wg1.mine")
    }

    @Test("an expired attachment is never handed out")
    func expired() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteNonceStore(path: directory.file("grants.sqlite"))
        try await store.attach(token: "wg1.old", actionDigest: action, agent: "agent-1", expiresAt: Fixture.now)
        #expect(try await store.takeAttached(actionDigest: action, agent: "agent-1", now: Fixture.now) == nil)
    }

    @Test("of concurrent takes of one attachment exactly one gets it")
    func concurrentTake() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteNonceStore(path: directory.file("grants.sqlite"))
        try await store.attach(
            token: "wg1.once", actionDigest: action, agent: "agent-1", expiresAt: Fixture.now.addingTimeInterval(60))
        let action = self.action
        let taken = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<16 {
                group.addTask { try await store.takeAttached(actionDigest: action, agent: "agent-1", now: Fixture.now) }
            }
            return try await group.reduce(into: [String]()) { if let token = $1 { $0.append(token) } }
        }
        #expect(taken == ["wg1.once"])
    }

    @Test("an attachment survives reopening the database")
    func durable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("grants.sqlite")
        try await SQLiteNonceStore(path: path).attach(
            token: "wg1.kept", actionDigest: action, agent: "agent-1", expiresAt: Fixture.now.addingTimeInterval(60))
        #expect(
            try await SQLiteNonceStore(path: path).takeAttached(
                actionDigest: action, agent: "agent-1", now: Fixture.now) == "wg1.kept")
    }
}

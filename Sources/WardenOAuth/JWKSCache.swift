import Foundation
import Logging
import WardenCore

/// The issuer's signing keys, cached with a time to live and refreshed on an unknown `kid`, rate-limited.
///
/// Refreshes are coalesced (concurrent lookups share one fetch) and at most one fetch is attempted per
/// ``Policy/minimumRefreshInterval``, so a flood of tokens with made-up key ids cannot make Warden hammer the
/// IdP. A failed fetch keeps the previous keys; a fetched document replaces them (the IdP is authoritative,
/// so a key it removes stops verifying).
public actor JWKSCache {
    /// Cache timing.
    public struct Policy: Sendable {
        /// Keys older than this are refetched before use.
        public var timeToLive: Duration
        /// At most one fetch attempt per this interval, whatever triggers it.
        public var minimumRefreshInterval: Duration

        public init(timeToLive: Duration = .seconds(900), minimumRefreshInterval: Duration = .seconds(30)) {
            self.timeToLive = timeToLive
            self.minimumRefreshInterval = minimumRefreshInterval
        }
    }

    /// The result of looking up a key for a token.
    enum Lookup {
        case key(VerificationKey)
        case unknownKeyID
        case algorithmMismatch
        case unavailable
    }

    private let fetcher: any JWKSFetching
    private let policy: Policy
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var keys: [String: [VerificationKey]] = [:]
    private var fetchedAt: Date?
    private var lastAttempt: Date?
    private var inFlight: Task<Bool, Never>?

    /// How many fetches were attempted (diagnostics and tests).
    public private(set) var fetchAttempts = 0

    public init(
        fetcher: any JWKSFetching,
        policy: Policy = Policy(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "warden.oauth.jwks")
    ) {
        self.fetcher = fetcher
        self.policy = policy
        self.now = now
        self.logger = logger
    }

    /// The key ids currently usable, sorted.
    public var keyIDs: [String] { keys.keys.sorted() }

    /// Fetches the key set now unless a fetch was attempted within the minimum refresh interval.
    /// Returns whether a new key set was loaded.
    @discardableResult
    public func refresh() async -> Bool {
        if let inFlight { return await inFlight.value }
        let start = now()
        if let lastAttempt, start < lastAttempt.addingTimeInterval(policy.minimumRefreshInterval.timeInterval) {
            return false
        }
        lastAttempt = start
        let task = Task { await self.load() }
        inFlight = task
        let loaded = await task.value
        inFlight = nil
        return loaded
    }

    /// Finds the key for `keyID` that verifies `algorithm`, refreshing when the cache is stale or the key id unknown.
    func lookup(keyID: String, algorithm: JWSAlgorithm) async -> Lookup {
        if let fetchedAt, now() < fetchedAt.addingTimeInterval(policy.timeToLive.timeInterval) {
            // Fresh cache.
        } else {
            await refresh()
        }
        if let found = find(keyID: keyID, algorithm: algorithm) { return found }
        if await refresh(), let found = find(keyID: keyID, algorithm: algorithm) { return found }
        return fetchedAt == nil ? .unavailable : .unknownKeyID
    }

    private func find(keyID: String, algorithm: JWSAlgorithm) -> Lookup? {
        guard let candidates = keys[keyID] else { return nil }
        guard let key = candidates.first(where: { $0.algorithm == algorithm }) else { return .algorithmMismatch }
        return .key(key)
    }

    private func load() async -> Bool {
        fetchAttempts += 1
        let document: [UInt8]
        do {
            document = try await fetcher.fetchJWKS()
        } catch {
            logger.error(
                "JWKS fetch failed; keeping the previous keys", metadata: ["reason": "\(LogSafe.describe(error))"])
            return false
        }
        guard let parsed = await JWKSKeySet.parse(document) else {
            logger.error("JWKS document is not a JSON Web Key Set; keeping the previous keys")
            return false
        }
        for skipped in parsed.skipped {
            logger.warning(
                "skipped a key in the JWKS",
                metadata: [
                    "kid": "\(skipped.keyID.map { String($0.prefix(128)) } ?? "-")", "reason": "\(skipped.reason)",
                ]
            )
        }
        if parsed.count == 0 { logger.error("JWKS has no usable signing keys") }
        keys = parsed.keys
        fetchedAt = now()
        logger.debug("JWKS loaded", metadata: ["keys": "\(parsed.count)"])
        return true
    }
}

extension Duration {
    /// The duration in seconds, as Foundation counts time.
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

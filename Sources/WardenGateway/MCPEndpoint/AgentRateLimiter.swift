import WardenCore

/// Per-agent limit on tool calls: a token bucket per token subject, holding a minute's worth of calls.
///
/// One agent flooding the cell (refused calls included) is slowed down alone; other agents keep their own
/// budget. A refused call costs its tokens too, so guessing tool names is rate-limited like any call.
final class AgentRateLimiter: Sendable {
    let perMinute: Double
    let buckets = Locked<[String: Bucket]>([:])

    struct Bucket: Sendable {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    init(callsPerMinute: Int) {
        perMinute = Double(max(1, callsPerMinute))
    }

    /// Takes one call from `subject`'s bucket; nil when allowed, else whole seconds until one is available.
    func take(_ subject: String, now: ContinuousClock.Instant = .now) -> Int? {
        let perMinute = self.perMinute
        return buckets.withLock { buckets in
            var bucket = buckets[subject] ?? Bucket(tokens: perMinute, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(perMinute, bucket.tokens + seconds * perMinute / 60)
            bucket.updated = now
            defer { buckets[subject] = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) * 60 / perMinute).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }

    /// Forgets buckets that have refilled (bounded memory); called periodically.
    func prune(now: ContinuousClock.Instant = .now) {
        buckets.withLock { $0 = $0.filter { now - $1.updated < .seconds(60) } }
    }
}

/// Records repeated refusals as tallies: the first refusal of an agent under a rule for a tool in each interval is
/// recorded in full, the rest are counted and recorded as one `tool.refusals-tallied` entry per interval. A
/// flood of refused calls then grows the ledger by a few entries per interval, not at the caller's rate.
actor RefusalTally {
    struct Key: Hashable {
        var agent: String
        var rule: String
        var tool: String
    }

    let audit: any AuditSink
    var seen: Set<Key> = []
    var suppressed: [Key: Int] = [:]

    init(audit: any AuditSink) {
        self.audit = audit
    }

    /// Whether this refusal is recorded in full (the first of its kind this interval); otherwise it is counted.
    func admit(agent: String, rule: String, tool: String) -> Bool {
        let key = Key(agent: agent, rule: rule, tool: tool)
        if seen.insert(key).inserted { return true }
        suppressed[key, default: 0] += 1
        return false
    }

    /// Records the counted refusals and opens a new interval.
    func flush() async {
        let counted = suppressed
        seen = []
        suppressed = [:]
        guard !counted.isEmpty else { return }
        let entries = counted.sorted {
            ($0.key.agent, $0.key.rule, $0.key.tool) < ($1.key.agent, $1.key.rule, $1.key.tool)
        }.map { LedgerEvent.RefusalCount(agent: $0.key.agent, rule: $0.key.rule, tool: $0.key.tool, count: $0.value) }
        do {
            try await audit.record(.refusalsTallied(entries))
        } catch {
            // Not recorded: carried into the next interval.
            for (key, count) in counted { suppressed[key, default: 0] += count }
        }
    }
}

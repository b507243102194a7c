import WardenCore

/// Records refused authentications in the ledger as periodic tallies per rule (`auth.refused`), not one entry
/// per request: a flood of bad tokens then costs one entry per interval instead of growing the ledger (and
/// its fsyncs) at the attacker's rate. Tokens and subjects are never recorded, only rule ids and counts.
actor AuthRefusalRecorder {
    private let metrics: GatewayMetrics
    private let audit: any AuditSink
    private var recorded: [String: Int] = [:]

    init(metrics: GatewayMetrics, audit: any AuditSink) {
        self.metrics = metrics
        self.audit = audit
    }

    /// Appends one entry with the refusals counted since the last one, if there were any.
    func flush() async {
        let counts = metrics.authenticationFailureCounts()
        var delta: [String: Int] = [:]
        for (rule, count) in counts where count > recorded[rule, default: 0] {
            delta[rule] = count - recorded[rule, default: 0]
        }
        guard !delta.isEmpty else { return }
        // Claimed before the suspension, so a flush that runs meanwhile (the final one at shutdown) cannot
        // record the same refusals again.
        let previous = recorded
        recorded = counts
        do {
            try await audit.record(.authRefused(counts: delta))
        } catch {
            // Not recorded: the next flush carries these counts again.
            recorded = previous
        }
    }
}

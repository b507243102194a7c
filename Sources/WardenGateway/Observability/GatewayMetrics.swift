import Synchronization

/// The cell's Prometheus metrics, rendered in the text exposition format at `/metrics` on the admin listener.
///
/// Labels carry only rule ids, outcomes, listener names and tool names from configuration: never subjects,
/// arguments, addresses or anything else an agent controls (an unknown tool name is counted as `unknown`).
public final class GatewayMetrics: Sendable {
    struct State {
        var decisions: [[String]: Int] = [:]  // [outcome, rule]
        var authFailures: [String: Int] = [:]
        var ingressRefusals: [String: Int] = [:]
        var callDurations: [String: Histogram] = [:]  // by outcome
    }

    struct Histogram {
        /// Fine below 5 ms, where the gateway's own added latency lives; coarse above, where upstreams dominate.
        static let bounds: [Double] = [
            0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
            10, 30,
        ]
        var counts = [Int](repeating: 0, count: bounds.count)
        var sum = 0.0
        var total = 0

        mutating func observe(_ seconds: Double) {
            for (i, bound) in Self.bounds.enumerated() where seconds <= bound { counts[i] += 1 }
            sum += seconds
            total += 1
        }
    }

    let state = Mutex(State())

    public init() {}

    public func decision(outcome: String, rule: String) {
        state.withLock { $0.decisions[[outcome, rule], default: 0] += 1 }
    }

    public func authenticationFailure(rule: String) {
        state.withLock { $0.authFailures[rule, default: 0] += 1 }
    }

    /// Authentication refusals per rule since the process started (for the ledger's periodic `auth.refused`).
    public func authenticationFailureCounts() -> [String: Int] {
        state.withLock { $0.authFailures }
    }

    public func ingressRefused(listener: String) {
        state.withLock { $0.ingressRefusals[listener, default: 0] += 1 }
    }

    public func toolCall(outcome: String, seconds: Double) {
        state.withLock { $0.callDurations[outcome, default: Histogram()].observe(seconds) }
    }

    /// The exposition text; `gauges` are sampled by the caller (ledger size, open sessions).
    public func render(gauges: [(name: String, help: String, value: Double)]) -> String {
        let snapshot = state.withLock { $0 }
        var out = ""
        out += "# HELP warden_decisions_total Gatekeeper decisions on tools/call, by outcome and rule.\n"
        out += "# TYPE warden_decisions_total counter\n"
        for (key, count) in snapshot.decisions.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            out += "warden_decisions_total{outcome=\"\(escape(key[0]))\",rule=\"\(escape(key[1]))\"} \(count)\n"
        }
        out += "# HELP warden_authentication_failures_total Refused credentials, by rule.\n"
        out += "# TYPE warden_authentication_failures_total counter\n"
        for (rule, count) in snapshot.authFailures.sorted(by: { $0.key < $1.key }) {
            out += "warden_authentication_failures_total{rule=\"\(escape(rule))\"} \(count)\n"
        }
        out += "# HELP warden_ingress_refusals_total Connections closed at accept by the source allowlist.\n"
        out += "# TYPE warden_ingress_refusals_total counter\n"
        for (listener, count) in snapshot.ingressRefusals.sorted(by: { $0.key < $1.key }) {
            out += "warden_ingress_refusals_total{listener=\"\(escape(listener))\"} \(count)\n"
        }
        out += "# HELP warden_tool_call_duration_seconds Time to answer tools/call, by outcome.\n"
        out += "# TYPE warden_tool_call_duration_seconds histogram\n"
        for (outcome, histogram) in snapshot.callDurations.sorted(by: { $0.key < $1.key }) {
            let label = "outcome=\"\(escape(outcome))\""
            for (i, bound) in Histogram.bounds.enumerated() {
                out += "warden_tool_call_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(histogram.counts[i])\n"
            }
            out += "warden_tool_call_duration_seconds_bucket{\(label),le=\"+Inf\"} \(histogram.total)\n"
            out += "warden_tool_call_duration_seconds_sum{\(label)} \(histogram.sum)\n"
            out += "warden_tool_call_duration_seconds_count{\(label)} \(histogram.total)\n"
        }
        for gauge in gauges {
            out += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n\(gauge.name) \(gauge.value)\n"
        }
        return out
    }

    func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}

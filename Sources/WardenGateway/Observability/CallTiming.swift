import WardenCore

/// Where one request's time went, for `Server-Timing` (`mcp.server_timing: true`): the time spent waiting for
/// upstreams and for the client's request body, so the gateway's own time is the rest. Measured per request, it
/// leaves out what a benchmark's client and upstream cost, which on a shared machine is far noisier than Warden's
/// part.
final class CallTiming: Sendable {
    @TaskLocal static var current: CallTiming?

    private let waits = Locked<(upstream: Duration, client: Duration)>((.zero, .zero))
    private let authenticated = Locked(false)

    /// The caller proved who it is: only then does the answer carry timings (an unauthenticated caller would learn
    /// how long Warden's token checks take).
    func markAuthenticated() { authenticated.withLock { $0 = true } }
    var isAuthenticated: Bool { authenticated.value }

    func addUpstream(_ duration: Duration) {
        waits.withLock { $0.upstream += duration }
    }

    /// Time spent receiving the request body (the client's pace, not Warden's work).
    func addClient(_ duration: Duration) {
        waits.withLock { $0.client += duration }
    }

    /// The header value: `warden;dur=<own ms>, upstream;dur=<ms>, client;dur=<ms>`.
    func header(total: Duration) -> String {
        let (upstream, client) = waits.value
        return
            "warden;dur=\(Self.milliseconds(total - upstream - client)), upstream;dur=\(Self.milliseconds(upstream)), "
            + "client;dur=\(Self.milliseconds(client))"
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let whole = microseconds / 1000
        let fraction = microseconds % 1000
        return "\(whole)." + String(repeating: "0", count: 3 - String(fraction).count) + "\(fraction)"
    }
}

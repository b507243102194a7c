/// Exponential restart delays: `initial`, doubled per consecutive failure, never above `maximum`.
///
/// Pure, so the schedule is testable without a process. The count resets once a restarted upstream
/// answers a request, so a healthy server that crashes rarely restarts quickly.
public struct RestartBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before restart number `failures` (1 for the first failure in a row).
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initial
        for _ in 1..<failures {
            delay *= 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}

import Foundation

/// How the exporter retries a batch: bounded attempts, exponential backoff with jitter, `Retry-After`
/// honoured up to a cap (so a hostile or broken collector cannot park the exporter for hours).
public struct RetryPolicy: Hashable, Sendable {
    /// Attempts per batch, the first included; then the batch is counted as failed.
    public var maxAttempts: Int
    /// Delay before the first retry when the server gives no `Retry-After`.
    public var initialBackoff: Duration
    /// Upper bound on the computed backoff.
    public var maxBackoff: Duration
    /// Upper bound on a server's `Retry-After`.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 5, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(30)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = max(.zero, initialBackoff)
        self.maxBackoff = max(.zero, maxBackoff)
        self.maxRetryAfter = max(.zero, maxRetryAfter)
    }

    /// The wait after failed attempt `attempt` (1-based). `jitter` in 0.5...1 spreads retries of many cells.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, jitter: Double) -> Duration {
        if let retryAfter { return min(max(.zero, retryAfter), maxRetryAfter) }
        let exponent = min(max(0, attempt - 1), 30)
        let backoff = min(initialBackoff * (1 << exponent), maxBackoff)
        return backoff * min(1, max(0.5, jitter))
    }

    /// Status codes OTLP/HTTP says to retry; every other non-2xx is permanent.
    public static func isRetryable(status: Int) -> Bool {
        [429, 502, 503, 504].contains(status)
    }

    /// Reads a `Retry-After` value: delay-seconds or an IMF-fixdate relative to `now`. Nil when absent or
    /// unreadable (the caller then uses its own backoff).
    public static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard value.utf8.count <= 9, let seconds = Int(value) else { return .seconds(999_999_999) }
            return .seconds(seconds)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: value) else { return nil }
        let seconds = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int64(min(seconds, 999_999_999) * 1000))
    }
}

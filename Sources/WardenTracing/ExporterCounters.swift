/// What the exporter did with spans, for Prometheus. Every span recorded ends up counted exactly once in
/// `exportedSpans`, `rejectedSpans`, `droppedSpans` or `failedSpans` (or is still `queuedSpans`).
public struct ExporterCounters: Hashable, Sendable {
    /// Spans the collector accepted.
    public var exportedSpans: UInt64 = 0
    /// Spans the collector reported as rejected in an OTLP partial-success response.
    public var rejectedSpans: UInt64 = 0
    /// Spans dropped at `record` because the queue was full or the exporter was shut down.
    public var droppedSpans: UInt64 = 0
    /// Spans in batches that were given up on (permanent error, attempts exhausted, or shutdown deadline).
    public var failedSpans: UInt64 = 0
    /// Batches given up on.
    public var failedBatches: UInt64 = 0
    /// Export requests retried after a retryable status or connection error.
    public var retries: UInt64 = 0
    /// Spans waiting in the queue right now.
    public var queuedSpans: UInt64 = 0

    public init() {}
}

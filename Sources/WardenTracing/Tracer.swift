#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rewrites text before it can leave the process; the gateway passes its redactor.
///
/// It is applied to every string a span carries (name, string attribute values, status message, event names
/// and their string values) when the string is set, before any bounding, so redaction sees whole values.
public typealias SpanAttributeSanitizer = @Sendable (String) -> String

/// Where finished spans go. `record` is called on the caller's request path, so it must never block,
/// suspend or fail: a full or closed sink drops the span and counts it.
public protocol SpanSink: Sendable {
    func record(_ span: SpanRecord)
}

/// Wall-clock time as unix nanoseconds, the unit of OTLP timestamps.
public enum UnixClock {
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(max(0, spec.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, spec.tv_nsec))
    }
}

/// Starts spans. Every span is recorded whatever the caller's sampled flag says: an agent must not be able
/// to switch off the gateway's record of its own tool calls by sending `traceparent` flags `00`.
public struct Tracer: Sendable {
    let sink: any SpanSink
    let sanitizer: SpanAttributeSanitizer
    let limits: SpanLimits
    let clock: @Sendable () -> UInt64

    /// - Parameters:
    ///   - sink: Receives finished spans (an ``OTLPHTTPExporter``).
    ///   - sanitizer: Applied to every string on every span; required, so redaction cannot be forgotten.
    ///   - limits: Bounds on attributes, events and string lengths.
    ///   - clock: Unix nanoseconds; injectable for tests.
    public init(
        sink: any SpanSink, sanitizer: @escaping SpanAttributeSanitizer, limits: SpanLimits = SpanLimits(),
        clock: @escaping @Sendable () -> UInt64 = UnixClock.now
    ) {
        self.sink = sink
        self.sanitizer = sanitizer
        self.limits = limits
        self.clock = clock
    }

    /// Starts a span. With no parent it starts a new trace; with a remote parent (from `traceparent`) or a
    /// local one it joins that trace as a child.
    public func startSpan(
        _ name: String, kind: SpanKind = .internal, parent: SpanContext? = nil,
        attributes: [(String, SpanAttributeValue)] = []
    ) -> ActiveSpan {
        let context = SpanContext(
            traceID: parent?.traceID ?? TraceID.random(), spanID: SpanID.random(), flags: TraceParent.sampledFlag)
        var span = ActiveSpan(
            tracer: self, name: clean(name), context: context, parent: parent, kind: kind, start: clock())
        for (key, value) in attributes { span.setAttribute(key, value) }
        return span
    }

    /// Runs `body` inside a span that ends when it returns; a thrown error sets status error (the error's
    /// description passes the sanitizer) and is rethrown.
    public func withSpan<Result>(
        _ name: String, kind: SpanKind = .internal, parent: SpanContext? = nil,
        _ body: (inout ActiveSpan) async throws -> Result
    ) async rethrows -> Result {
        var span = startSpan(name, kind: kind, parent: parent)
        do {
            let result = try await body(&span)
            span.end()
            return result
        } catch {
            span.setStatus(.error(message: String(describing: error)))
            span.end()
            throw error
        }
    }

    func clean(_ text: String) -> String {
        truncateUTF8(sanitizer(text), maxBytes: limits.maxValueBytes)
    }

    func cleanKey(_ key: String) -> String {
        truncateUTF8(sanitizer(key), maxBytes: limits.maxKeyBytes)
    }

    func clean(_ value: SpanAttributeValue) -> SpanAttributeValue {
        if case .string(let text) = value { return .string(clean(text)) }
        return value
    }
}

/// A span in progress. Values are sanitized and bounded as they are set; `end()` records it once.
///
/// This is a value: end the copy you modified. A second `end()` on the same value does nothing.
public struct ActiveSpan: Sendable {
    private let tracer: Tracer
    private let name: String
    /// This span's identity; pass it as `parent` to start a child span.
    public let context: SpanContext
    private let parentSpanID: SpanID?
    private let parentIsRemote: Bool
    private let kind: SpanKind
    private let start: UInt64
    private var attributes: BoundedAttributes
    private var events: [SpanEvent] = []
    private var droppedEvents: UInt32 = 0
    private var status: SpanStatus = .unset
    /// Whether `end()` has recorded this span.
    public private(set) var isEnded = false

    init(tracer: Tracer, name: String, context: SpanContext, parent: SpanContext?, kind: SpanKind, start: UInt64) {
        self.tracer = tracer
        self.name = name
        self.context = context
        self.parentSpanID = parent?.spanID
        self.parentIsRemote = parent?.isRemote ?? false
        self.kind = kind
        self.start = start
        self.attributes = BoundedAttributes(limit: tracer.limits.maxAttributes)
    }

    /// The `traceparent` to send to an upstream so its spans join this trace under this span.
    public var traceParent: TraceParent { context.traceParent }

    /// Sets (or replaces) an attribute; beyond the limit new keys are dropped and counted.
    public mutating func setAttribute(_ key: String, _ value: SpanAttributeValue) {
        attributes.set(tracer.cleanKey(key), tracer.clean(value))
    }

    /// Adds a timestamped event; beyond the limit events are dropped and counted.
    public mutating func addEvent(_ name: String, attributes: [(String, SpanAttributeValue)] = []) {
        guard events.count < tracer.limits.maxEvents else {
            droppedEvents &+= 1
            return
        }
        var bounded = BoundedAttributes(limit: tracer.limits.maxAttributes)
        for (key, value) in attributes { bounded.set(tracer.cleanKey(key), tracer.clean(value)) }
        events.append(
            SpanEvent(
                name: tracer.clean(name), timeUnixNano: tracer.clock(), attributes: bounded.list,
                droppedAttributesCount: bounded.droppedCount))
    }

    /// Sets the outcome; an error message passes the sanitizer.
    public mutating func setStatus(_ status: SpanStatus) {
        if case .error(let message) = status {
            self.status = .error(message: tracer.clean(message))
        } else {
            self.status = status
        }
    }

    /// Records the span with the sink (never blocks). Later calls on this value do nothing.
    public mutating func end() {
        guard !isEnded else { return }
        isEnded = true
        let end = max(start, tracer.clock())
        tracer.sink.record(
            SpanRecord(
                name: name, context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, kind: kind,
                startTimeUnixNano: start, endTimeUnixNano: end, status: status, attributes: attributes.list,
                droppedAttributesCount: attributes.droppedCount, events: events, droppedEventsCount: droppedEvents))
    }
}

/// A sink that keeps nothing, for a cell with no OTLP endpoint configured: spans cost only their creation.
public struct DiscardingSpanSink: SpanSink {
    public init() {}

    public func record(_ span: SpanRecord) {}
}

/// What a span represents, as OTLP's `Span.SpanKind` (the raw value is the wire enum).
public enum SpanKind: Int, Hashable, Sendable {
    /// Work inside the gateway (a policy decision, a ledger append).
    case `internal` = 1
    /// The gateway serving an agent's request (one tool call).
    case server = 2
    /// The gateway calling an upstream server.
    case client = 3
}

/// The outcome of a span, as OTLP's `Status`.
public enum SpanStatus: Hashable, Sendable {
    case unset
    case ok
    /// A failed or refused call; the message is sanitized and bounded like any attribute.
    case error(message: String)

    /// OTLP's `Status.StatusCode` wire value.
    public var code: Int {
        switch self {
        case .unset: 0
        case .ok: 1
        case .error: 2
        }
    }
}

/// The identity of a span, enough to parent another span on it.
public struct SpanContext: Hashable, Sendable {
    public var traceID: TraceID
    public var spanID: SpanID
    public var flags: UInt8
    /// True when the span lives in another process (it came from a `traceparent` header).
    public var isRemote: Bool

    public init(traceID: TraceID, spanID: SpanID, flags: UInt8 = TraceParent.sampledFlag, isRemote: Bool = false) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
        self.isRemote = isRemote
    }

    /// The context of the caller named in an incoming `traceparent` header.
    public init(remote traceParent: TraceParent) {
        self.init(
            traceID: traceParent.traceID, spanID: traceParent.parentID, flags: traceParent.flags, isRemote: true)
    }

    /// The `traceparent` to send downstream so the callee's spans become children of this span.
    public var traceParent: TraceParent {
        TraceParent(traceID: traceID, parentID: spanID, flags: flags)
    }
}

/// A timestamped note on a span (e.g. "policy denied"), with its own bounded attributes.
public struct SpanEvent: Hashable, Sendable {
    public let name: String
    public let timeUnixNano: UInt64
    public let attributes: [SpanAttribute]
    public let droppedAttributesCount: UInt32
}

/// A finished span, ready for export.
///
/// Only a ``Tracer`` makes these (there is no public initializer), so every string in one has passed the
/// tracer's sanitizer: an exporter cannot be handed unredacted text.
public struct SpanRecord: Hashable, Sendable {
    public let name: String
    public let context: SpanContext
    public let parentSpanID: SpanID?
    /// Whether the parent lives in another process (OTLP span flags bit 9).
    public let parentIsRemote: Bool
    public let kind: SpanKind
    public let startTimeUnixNano: UInt64
    public let endTimeUnixNano: UInt64
    public let status: SpanStatus
    public let attributes: [SpanAttribute]
    public let droppedAttributesCount: UInt32
    public let events: [SpanEvent]
    public let droppedEventsCount: UInt32

    public var traceID: TraceID { context.traceID }
    public var spanID: SpanID { context.spanID }
}

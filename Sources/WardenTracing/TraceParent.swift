/// The W3C Trace Context `traceparent` header: `version-traceid-parentid-flags`.
///
/// Parsing is strict because the header arrives from agents we do not trust: exact lengths, lower-case hex
/// only, no all-zero ids, version `ff` refused. A version above `00` is read the way the spec asks for
/// forward compatibility: its first 55 characters must parse as version `00` and anything after them must
/// start with `-`. We always write version `00`.
public struct TraceParent: Hashable, Sendable, CustomStringConvertible {
    /// The trace this request belongs to.
    public var traceID: TraceID
    /// The span of the caller (the parent of the span we start).
    public var parentID: SpanID
    /// The trace flags byte; bit 0 is "sampled".
    public var flags: UInt8

    /// The header's name as sent on the wire.
    public static let headerName = "traceparent"

    public init(traceID: TraceID, parentID: SpanID, flags: UInt8 = TraceParent.sampledFlag) {
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
    }

    /// The "sampled" bit of the trace flags.
    public static let sampledFlag: UInt8 = 0x01

    /// Whether the caller marked the trace as sampled.
    public var isSampled: Bool { flags & Self.sampledFlag != 0 }

    /// Parses a header value, throwing an error that names the rule it broke.
    public init(parsing value: some StringProtocol) throws(TraceParentError) {
        let bytes = Array(value.utf8)
        guard bytes.count >= 2, let version = Hex.parseLowerCase(bytes[0..<2]) else {
            throw .malformedVersion
        }
        guard version != 0xff else { throw .forbiddenVersion }
        if version == 0 {
            guard bytes.count == Self.versionZeroLength else { throw .wrongLength(bytes.count) }
        } else {
            guard bytes.count >= Self.versionZeroLength else { throw .wrongLength(bytes.count) }
            if bytes.count > Self.versionZeroLength, bytes[Self.versionZeroLength] != UInt8(ascii: "-") {
                throw .malformedFutureVersionSuffix
            }
        }
        for index in [2, 35, 52] where bytes[index] != UInt8(ascii: "-") {
            throw .missingSeparator(position: index)
        }
        guard let high = Hex.parseLowerCase(bytes[3..<19]), let low = Hex.parseLowerCase(bytes[19..<35]) else {
            throw .malformedTraceID
        }
        guard let traceID = TraceID(high: high, low: low) else { throw .zeroTraceID }
        guard let parent = Hex.parseLowerCase(bytes[36..<52]) else { throw .malformedParentID }
        guard let parentID = SpanID(parent) else { throw .zeroParentID }
        guard let flags = Hex.parseLowerCase(bytes[53..<55]) else { throw .malformedFlags }
        self.init(traceID: traceID, parentID: parentID, flags: UInt8(truncatingIfNeeded: flags))
    }

    /// Parses a header value, or nil when it is invalid (the spec says to then start a new trace).
    public init?(header value: some StringProtocol) {
        guard let parsed = try? TraceParent(parsing: value) else { return nil }
        self = parsed
    }

    /// The header value, always version `00`.
    public var headerValue: String {
        var output: [UInt8] = Array("00-".utf8)
        output.reserveCapacity(Self.versionZeroLength)
        Hex.append(traceID.high, byteCount: 8, to: &output)
        Hex.append(traceID.low, byteCount: 8, to: &output)
        output.append(UInt8(ascii: "-"))
        Hex.append(parentID.value, byteCount: 8, to: &output)
        output.append(UInt8(ascii: "-"))
        Hex.append(UInt64(flags), byteCount: 1, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    public var description: String { headerValue }

    /// The exact length of a version `00` header value.
    static let versionZeroLength = 55
}

/// Why a `traceparent` value was refused.
public enum TraceParentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The version is not two lower-case hex digits.
    case malformedVersion
    /// Version `ff` is reserved as invalid.
    case forbiddenVersion
    /// Version `00` must be exactly 55 characters; later versions at least 55.
    case wrongLength(Int)
    /// A later version carried more than 55 characters without a `-` after the version `00` fields.
    case malformedFutureVersionSuffix
    /// A `-` was expected at this (zero-based) position.
    case missingSeparator(position: Int)
    /// The trace id is not 32 lower-case hex digits.
    case malformedTraceID
    /// The trace id is all zeros.
    case zeroTraceID
    /// The parent id is not 16 lower-case hex digits.
    case malformedParentID
    /// The parent id is all zeros.
    case zeroParentID
    /// The flags are not two lower-case hex digits.
    case malformedFlags

    public var description: String {
        switch self {
        case .malformedVersion: "traceparent: version must be two lower-case hex digits"
        case .forbiddenVersion: "traceparent: version ff is invalid"
        case .wrongLength(let length): "traceparent: wrong length \(length) (version 00 is exactly 55)"
        case .malformedFutureVersionSuffix: "traceparent: a future version must continue with '-' after 55 characters"
        case .missingSeparator(let position): "traceparent: expected '-' at position \(position)"
        case .malformedTraceID: "traceparent: trace-id must be 32 lower-case hex digits"
        case .zeroTraceID: "traceparent: trace-id must not be all zeros"
        case .malformedParentID: "traceparent: parent-id must be 16 lower-case hex digits"
        case .zeroParentID: "traceparent: parent-id must not be all zeros"
        case .malformedFlags: "traceparent: trace-flags must be two lower-case hex digits"
        }
    }
}

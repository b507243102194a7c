/// An attribute value of the kinds OTLP's `AnyValue` carries that a tool-call span needs.
public enum SpanAttributeValue: Hashable, Sendable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
}

extension SpanAttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}

/// One key/value pair on a span or event, already sanitized and bounded.
public struct SpanAttribute: Hashable, Sendable {
    public let key: String
    public let value: SpanAttributeValue

    public init(key: String, value: SpanAttributeValue) {
        self.key = key
        self.value = value
    }
}

/// Bounds on what one span may hold, so that a hostile tool call cannot make its span unbounded.
///
/// Lengths are UTF-8 bytes (cut on a Unicode scalar boundary), not characters: a single character can be
/// arbitrarily many scalars, so a character count bounds nothing.
public struct SpanLimits: Hashable, Sendable {
    /// Attributes per span (and per event); further new keys are dropped and counted.
    public var maxAttributes: Int
    /// Longest string attribute value, status message or name, in UTF-8 bytes.
    public var maxValueBytes: Int
    /// Longest attribute key, in UTF-8 bytes.
    public var maxKeyBytes: Int
    /// Events per span; further events are dropped and counted.
    public var maxEvents: Int

    public init(maxAttributes: Int = 32, maxValueBytes: Int = 1024, maxKeyBytes: Int = 128, maxEvents: Int = 16) {
        self.maxAttributes = max(0, maxAttributes)
        self.maxValueBytes = max(0, maxValueBytes)
        self.maxKeyBytes = max(1, maxKeyBytes)
        self.maxEvents = max(0, maxEvents)
    }
}

/// The attributes of one span or event: insertion-ordered, last write per key wins, bounded in count.
struct BoundedAttributes: Sendable {
    private(set) var list: [SpanAttribute] = []
    private(set) var droppedCount: UInt32 = 0
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    mutating func set(_ key: String, _ value: SpanAttributeValue) {
        if let index = list.firstIndex(where: { $0.key == key }) {
            list[index] = SpanAttribute(key: key, value: value)
        } else if list.count < limit {
            list.append(SpanAttribute(key: key, value: value))
        } else {
            droppedCount &+= 1
        }
    }
}

/// Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a Unicode scalar.
func truncateUTF8(_ text: String, maxBytes: Int) -> String {
    if text.utf8.count <= maxBytes { return text }
    var used = 0
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        let width = UTF8.width(scalar)
        if used + width > maxBytes { break }
        used += width
        scalars.append(scalar)
    }
    return String(scalars)
}

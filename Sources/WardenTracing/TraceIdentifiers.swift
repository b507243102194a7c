/// A 16-byte trace id. All zeros is the W3C "invalid" id, so it cannot be constructed.
public struct TraceID: Hashable, Sendable, CustomStringConvertible {
    /// The first eight bytes, big-endian.
    public let high: UInt64
    /// The last eight bytes, big-endian.
    public let low: UInt64

    /// Returns nil for the all-zero id, which W3C Trace Context defines as invalid.
    public init?(high: UInt64, low: UInt64) {
        guard high != 0 || low != 0 else { return nil }
        self.high = high
        self.low = low
    }

    /// Parses 32 lower-case hex digits; nil for any other spelling or the all-zero id.
    public init?(hex: some StringProtocol) {
        let bytes = Array(hex.utf8)
        guard bytes.count == 32, let high = Hex.parseLowerCase(bytes[0..<16]),
            let low = Hex.parseLowerCase(bytes[16..<32])
        else { return nil }
        self.init(high: high, low: low)
    }

    /// A fresh id from the system's cryptographic generator, redrawn in the (2^-128) case it is all zero.
    public static func random() -> TraceID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A fresh id from `generator`; never all zero.
    public static func random(using generator: inout some RandomNumberGenerator) -> TraceID {
        while true {
            if let id = TraceID(high: generator.next(), low: generator.next()) { return id }
        }
    }

    /// 32 lower-case hex digits, as in `traceparent` and OTLP JSON.
    public var hex: String {
        var output: [UInt8] = []
        output.reserveCapacity(32)
        Hex.append(high, byteCount: 8, to: &output)
        Hex.append(low, byteCount: 8, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    public var description: String { hex }
}

/// An 8-byte span id. All zeros is the W3C "invalid" id, so it cannot be constructed.
public struct SpanID: Hashable, Sendable, CustomStringConvertible {
    /// The eight bytes, big-endian.
    public let value: UInt64

    /// Returns nil for the all-zero id, which W3C Trace Context defines as invalid.
    public init?(_ value: UInt64) {
        guard value != 0 else { return nil }
        self.value = value
    }

    /// Parses 16 lower-case hex digits; nil for any other spelling or the all-zero id.
    public init?(hex: some StringProtocol) {
        let bytes = Array(hex.utf8)
        guard bytes.count == 16, let value = Hex.parseLowerCase(bytes[0..<16]) else { return nil }
        self.init(value)
    }

    /// A fresh id from the system's cryptographic generator, redrawn in the (2^-64) case it is zero.
    public static func random() -> SpanID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A fresh id from `generator`; never zero.
    public static func random(using generator: inout some RandomNumberGenerator) -> SpanID {
        while true {
            if let id = SpanID(generator.next()) { return id }
        }
    }

    /// 16 lower-case hex digits, as in `traceparent` and OTLP JSON.
    public var hex: String { Hex.string(value, byteCount: 8) }

    public var description: String { hex }
}

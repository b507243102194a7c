import WardenCore

/// Warden's number model for a schema `number`: Cedar's `decimal`, a value times 10,000 in 64 bits.
///
/// A JSON number is read from the exact text Warden forwards (RFC 8785's spelling of the parsed value), so the
/// value a policy compares is the value the upstream receives. A number with more than four fractional digits,
/// or too large for the scaled range, is not representable and is refused rather than rounded.
public struct ScaledDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let scale: Int64 = 10_000
    /// The value times 10,000.
    public var scaled: Int64

    public init(scaled: Int64) {
        self.scaled = scaled
    }

    /// The decimal of a JSON number, or nil when it is not a number or not exactly representable.
    public init?(json: JSONValue) {
        switch json {
        case .integer(let i):
            let (value, overflow) = i.multipliedReportingOverflow(by: Self.scale)
            guard !overflow else { return nil }
            scaled = value
        case .double(let d):
            guard let parsed = Self.parse(CanonicalJSON.formatNumber(d)) else { return nil }
            scaled = parsed
        default:
            return nil
        }
    }

    /// The decimal written as `-?digits(.digits)?` (at most four fractional digits), or nil.
    public init?(text: String) {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }), let parsed = Self.parse(text) else {
            return nil
        }
        scaled = parsed
    }

    /// Parses `-?digits(.digits)?` with at most four fractional digits (no exponent).
    static func parse(_ text: String) -> Int64? {
        var bytes = Substring(text).utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var value: Int64 = 0
        var fractionDigits = -1
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard fractionDigits < 0 else { return nil }
                fractionDigits = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            if fractionDigits >= 0 {
                fractionDigits += 1
                guard fractionDigits <= 4 else { return nil }
            }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = a
        }
        for _ in 0..<(4 - max(fractionDigits, 0)) {
            let (m, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = m
        }
        return negative ? -value : value
    }

    public static func < (lhs: ScaledDecimal, rhs: ScaledDecimal) -> Bool { lhs.scaled < rhs.scaled }

    public var description: String {
        let magnitude = scaled.magnitude
        let fraction = String(magnitude % 10_000)
        return
            "\(scaled < 0 ? "-" : "")\(magnitude / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
    }
}

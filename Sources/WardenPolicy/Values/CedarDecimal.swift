/// Cedar's `decimal`: a fixed-point number with four digits after the point, stored as a scaled 64-bit integer.
public struct CedarDecimal: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The value times 10,000.
    public let scaled: Int64

    public init(scaled: Int64) { self.scaled = scaled }

    /// Parses `-?[0-9]+\.[0-9]{1,4}`; returns nil on bad syntax or when the value does not fit in 64 bits.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var value: Int64 = 0
        var integerDigits = 0
        while index < bytes.count, isDigit(bytes[index]) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let digit = Int64(bytes[index] - UInt8(ascii: "0"))
            let (a, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = a
            index += 1
            integerDigits += 1
        }
        guard integerDigits > 0, index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return nil }
        index += 1
        var fractionDigits = 0
        var fraction: Int64 = 0
        while index < bytes.count, isDigit(bytes[index]) {
            fraction = fraction * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
            index += 1
            fractionDigits += 1
            if fractionDigits > 4 { return nil }
        }
        guard fractionDigits > 0, index == bytes.count else { return nil }
        for _ in fractionDigits..<4 { fraction *= 10 }
        let (m, o1) = value.multipliedReportingOverflow(by: 10_000)
        let (r, o2) = negative ? m.subtractingReportingOverflow(fraction) : m.addingReportingOverflow(fraction)
        if o1 || o2 { return nil }
        scaled = r
    }

    public static func < (lhs: CedarDecimal, rhs: CedarDecimal) -> Bool { lhs.scaled < rhs.scaled }

    public var description: String {
        let magnitude = scaled.magnitude
        let sign = scaled < 0 ? "-" : ""
        let fraction = String(magnitude % 10_000)
        return "\(sign)\(magnitude / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
    }
}

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

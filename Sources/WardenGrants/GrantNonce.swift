/// The 128-bit random value that makes a grant single-use: the nonce store records it when the grant is redeemed.
public struct GrantNonce: Hashable, Sendable, CustomStringConvertible {
    /// The 16 nonce bytes, as two big-endian halves (kept inline: no allocation on the verify path).
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A fresh nonce from the system's cryptographically secure generator.
    public static func random() -> GrantNonce {
        var generator = SystemRandomNumberGenerator()
        return GrantNonce(high: generator.next(), low: generator.next())
    }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        out.appendBigEndian(high)
        out.appendBigEndian(low)
        return out
    }

    /// 32 lower-case hex digits.
    public var description: String { Hex.encode(bytes) }
}

extension [UInt8] {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var bigEndian = value.bigEndian
        Swift.withUnsafeBytes(of: &bigEndian) { append(contentsOf: $0) }
    }
}

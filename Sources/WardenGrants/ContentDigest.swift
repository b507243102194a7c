import Crypto

/// SHA-256 of the content a grant covers. When a grant carries one, the send must present the same digest: the
/// grant then covers that message and no other.
public struct ContentDigest: Hashable, Sendable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Wraps 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Parses 64 lower-case hex digits (upper case is refused so the text form is unique).
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        self.bytes = out
    }

    /// The digest of `content`.
    public static func sha256(of content: some Sequence<UInt8>) -> ContentDigest {
        var hasher = SHA256()
        hasher.update(data: Array(content))
        return ContentDigest(uncheckedBytes: Array(hasher.finalize()))
    }

    init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    /// 64 lower-case hex digits.
    public var description: String { Hex.encode(bytes) }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

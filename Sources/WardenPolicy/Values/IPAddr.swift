/// Cedar's `ipaddr`: an IPv4 or IPv6 address with a prefix length (a single address has /32 or /128).
///
/// Equality is structural (address and prefix as written), as in Cedar: `ip("10.0.0.1/24") != ip("10.0.0.0/24")`.
public struct IPAddr: Hashable, Sendable, CustomStringConvertible {
    public let isIPv4: Bool
    /// The address bits; an IPv4 address occupies the low 32 bits.
    public let address: UInt128
    public let prefixLength: Int

    private var width: Int { isIPv4 ? 32 : 128 }

    /// Parses `a.b.c.d[/n]` or an IPv6 address `[/n]`. IPv4 embedded in IPv6 notation is refused, as Cedar does,
    /// so that one address cannot be spelled two ways.
    public init?(parsing text: String) {
        let colons = text.utf8.count { $0 == UInt8(ascii: ":") }
        let dots = text.utf8.count { $0 == UInt8(ascii: ".") }
        if colons >= 2 && dots >= 2 { return nil }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = Substring(parts[0])
        if let v4 = IPAddr.parseIPv4(addressText) {
            isIPv4 = true
            address = UInt128(v4)
        } else if let v6 = IPAddr.parseIPv6(addressText) {
            isIPv4 = false
            address = v6
        } else {
            return nil
        }
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.utf8.allSatisfy(isDigit), let n = Int(digits),
                digits.count == 1 || digits.first != "0"
            else { return nil }
            guard n <= (isIPv4 ? 32 : 128) else { return nil }
            prefixLength = n
        } else {
            prefixLength = isIPv4 ? 32 : 128
        }
    }

    static func parseIPv4(_ s: Substring) -> UInt32? {
        let octets = s.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var result: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.utf8.allSatisfy(isDigit) else { return nil }
            if octet.count > 1 && octet.first == "0" { return nil }
            guard let v = UInt32(octet), v <= 255 else { return nil }
            result = result << 8 | v
        }
        return result
    }

    static func parseIPv6(_ s: Substring) -> UInt128? {
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16),
                    g.utf8.allSatisfy({
                        isDigit($0) || ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "f"))
                    })
                else { return nil }
                out.append(v)
            }
            return out
        }
        var all: [UInt16]
        if let range = s.firstRange(of: "::") {
            let head = s[s.startIndex..<range.lowerBound]
            let tail = s[range.upperBound...]
            guard !tail.contains("::"), let h = groups(head), let t = groups(tail), h.count + t.count <= 7 else {
                return nil
            }
            all = h + Array(repeating: 0, count: 8 - h.count - t.count) + t
        } else {
            guard let g = groups(s), g.count == 8 else { return nil }
            all = g
        }
        var value: UInt128 = 0
        for g in all { value = value << 16 | UInt128(g) }
        return value
    }

    private func mask(_ prefix: Int) -> UInt128 {
        let full: UInt128 = isIPv4 ? UInt128(UInt32.max) : UInt128.max
        if prefix == 0 { return 0 }
        return full & ~(full >> UInt128(prefix))
    }

    private var network: UInt128 { address & mask(prefixLength) }
    private var broadcast: UInt128 {
        let full: UInt128 = isIPv4 ? UInt128(UInt32.max) : UInt128.max
        return address | (full & ~mask(prefixLength))
    }

    /// True when every address of this range lies in `other`'s range (families must match).
    public func isInRange(_ other: IPAddr) -> Bool {
        guard isIPv4 == other.isIPv4 else { return false }
        return other.network <= network && broadcast <= other.broadcast
    }

    public var isLoopback: Bool {
        isIPv4 ? (address >> 24) == 127 : address == 1
    }

    public var isMulticast: Bool {
        isIPv4 ? (address >> 28) == 0xE && prefixLength >= 4 : (address >> 120) == 0xFF && prefixLength >= 8
    }

    public var description: String {
        if isIPv4 {
            let a = UInt32(truncatingIfNeeded: address)
            return "\(a >> 24).\(a >> 16 & 255).\(a >> 8 & 255).\(a & 255)/\(prefixLength)"
        }
        var groups: [String] = []
        for i in stride(from: 112, through: 0, by: -16) {
            groups.append(String(UInt16(truncatingIfNeeded: address >> UInt128(i)), radix: 16))
        }
        return groups.joined(separator: ":") + "/\(prefixLength)"
    }
}

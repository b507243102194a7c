/// An IPv4 or IPv6 network in CIDR notation, matched against a peer's address.
///
/// Parsed strictly: no host bits beyond the prefix, no leading zeros in IPv4 octets (which some parsers read
/// as octal), no zone ids. An IPv4-mapped IPv6 peer (`::ffff:a.b.c.d`) matches IPv4 blocks, so a dual-stack
/// listener cannot be used to step around an IPv4 allowlist.
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    /// Address bytes: 4 for IPv4, 16 for IPv6.
    public let network: [UInt8]
    public let prefixLength: Int

    public var description: String {
        "\(Self.format(network))/\(prefixLength)"
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bytes = Self.parseAddress(String(parts[0])) else { return nil }
        let prefixText = parts[1]
        guard !prefixText.isEmpty, prefixText.count <= 3, prefixText.allSatisfy(\.isASCII),
            prefixText.allSatisfy(\.isNumber), let prefix = Int(prefixText),
            prefix >= 0, prefix <= bytes.count * 8
        else { return nil }
        if prefixText.count > 1 && prefixText.hasPrefix("0") { return nil }
        guard Self.hostBitsAreZero(bytes, prefix: prefix) else { return nil }
        self.network = bytes
        self.prefixLength = prefix
    }

    /// Whether `address` (4 or 16 bytes) lies inside this block.
    public func contains(_ address: [UInt8]) -> Bool {
        var candidate = address
        if network.count == 4, address.count == 16, Self.isIPv4Mapped(address) {
            candidate = Array(address[12..<16])
        }
        guard candidate.count == network.count else { return false }
        var remaining = prefixLength
        for i in 0..<network.count {
            if remaining <= 0 { return true }
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if candidate[i] & mask != network[i] & mask { return false }
            remaining -= bits
        }
        return true
    }

    static func isIPv4Mapped(_ bytes: [UInt8]) -> Bool {
        bytes.count == 16 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
    }

    static func hostBitsAreZero(_ bytes: [UInt8], prefix: Int) -> Bool {
        for i in 0..<bytes.count {
            let start = i * 8
            if start >= prefix {
                if bytes[i] != 0 { return false }
            } else if prefix - start < 8 {
                let mask: UInt8 = 0xFF >> UInt8(prefix - start)
                if bytes[i] & mask != 0 { return false }
            }
        }
        return true
    }

    /// Parses a literal IPv4 or IPv6 address into its bytes.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(Substring(text)) }
        return parseIPv4(Substring(text))
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(octet), value <= 255
            else { return nil }
            if octet.count > 1 && octet.hasPrefix("0") { return nil }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard !text.contains("%") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if allowIPv4Tail && i == pieces.count - 1 && piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        var words: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowIPv4Tail: false),
                let tail = groups(halves[1], allowIPv4Tail: true),
                head.count + tail.count <= 7
            else { return nil }
            words = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 8 else { return nil }
            words = all
        }
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var words: [String] = []
        for i in stride(from: 0, to: bytes.count, by: 2) {
            words.append(String(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]), radix: 16))
        }
        return words.joined(separator: ":")
    }
}

/// The set of networks a listener accepts connections from. Empty means nobody: default deny.
public struct IngressAllowlist: Sendable, Hashable {
    public var blocks: [CIDRBlock]

    public init(_ blocks: [CIDRBlock]) {
        self.blocks = blocks
    }

    /// Whether a peer address may connect. Unparsable or missing addresses are refused.
    public func admits(_ address: [UInt8]?) -> Bool {
        guard let address else { return false }
        return blocks.contains { $0.contains(address) }
    }
}

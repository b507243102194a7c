import NIOCore

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Which IP literals a webhook may name. Loopback, private, link-local (169.254.0.0/16: cloud metadata),
/// carrier-grade NAT, multicast and reserved ranges are refused unless the channel explicitly allows a range:
/// a grant for `http://169.254.169.254/...` must not turn the cell into a proxy into its own network.
public struct WebhookAddressPolicy: Sendable, Hashable {
    /// An IPv4 network (`a.b.c.d/prefix`).
    public struct Network: Sendable, Hashable {
        public var address: UInt32
        public var prefix: Int

        /// Parses `a.b.c.d/prefix`; nil when malformed.
        public init?(cidr: String) {
            let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let prefix = Int(parts[1]), (0...32).contains(prefix),
                let address = WebhookAddressPolicy.ipv4(String(parts[0]))
            else { return nil }
            self.address = address
            self.prefix = prefix
        }

        func contains(_ candidate: UInt32) -> Bool {
            let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix)
            return candidate & mask == address & mask
        }
    }

    static let nonPublic: [Network] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
    ].compactMap { Network(cidr: $0) }

    public var allowed: [Network]

    public init(allowed: [Network] = []) {
        self.allowed = allowed
    }

    /// Whether `host` may be posted to: a name (not an IP literal), or a public IPv4 literal, or an allowed one.
    /// IPv6 literals are refused unless loopback is allowed and the literal is `::1`.
    public func permits(host: String) -> Bool {
        var trimmed = host.trimmingCharacters(in: ["[", "]"]).lowercased()
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        if trimmed == "localhost" || trimmed.hasSuffix(".localhost") {
            return allowed.contains(where: { $0.contains(0x7F00_0001) })
        }
        if let v4 = Self.ipv4(trimmed) {
            if allowed.contains(where: { $0.contains(v4) }) { return true }
            return !Self.nonPublic.contains(where: { $0.contains(v4) })
        }
        if trimmed.contains(":") {
            return trimmed == "::1" && allowed.contains(where: { $0.contains(0x7F00_0001) })
        }
        // A name whose last label starts with a digit is no DNS name (no top-level domain does): resolvers read
        // `2130706433`, `0x7f.1` or `10.0.0.0x1` as IP addresses, so they are refused as such.
        let last = trimmed.split(separator: ".").last ?? ""
        return !(last.first?.isNumber ?? true)
    }

    /// Whether every address `host` resolves to now is permitted (a name pointing into the private network is
    /// refused like the literal). Checked before each post; a resolver answer that changes between this check
    /// and the connection (DNS rebinding) is not covered, see docs/configuration.md.
    public func permitsResolved(host: String) -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return true }
        defer { freeaddrinfo(result) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let node = cursor {
            defer { cursor = node.pointee.ai_next }
            guard let address = node.pointee.ai_addr else { continue }
            switch node.pointee.ai_family {
            case AF_INET:
                let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    UInt32(bigEndian: $0.pointee.sin_addr.s_addr)
                }
                if !permits(v4) { return false }
            case AF_INET6:
                let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                if !permits(ipv6: bytes) { return false }
            default:
                return false
            }
        }
        return true
    }

    func permits(_ v4: UInt32) -> Bool {
        allowed.contains(where: { $0.contains(v4) }) || !Self.nonPublic.contains(where: { $0.contains(v4) })
    }

    /// IPv6 answers: loopback, unspecified, link-local (fe80::/10), unique-local (fc00::/7), multicast and
    /// IPv4-mapped addresses of refused IPv4 ranges are refused (no IPv6 range can be allowed).
    func permits(ipv6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16 else { return false }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return permits(bytes[12..<16].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }
        if bytes[0] & 0xFE == 0xFC || bytes[0] == 0xFF { return false }
        return true
    }

    static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isNumber), let n = UInt32(octet), n <= 255
            else { return nil }
            value = value << 8 | n
        }
        return value
    }
}

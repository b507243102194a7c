import NIOCore

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
        let trimmed = host.trimmingCharacters(in: ["[", "]"])
        if let v4 = Self.ipv4(trimmed) {
            if allowed.contains(where: { $0.contains(v4) }) { return true }
            return !Self.nonPublic.contains(where: { $0.contains(v4) })
        }
        if trimmed.contains(":") {
            return trimmed == "::1" && allowed.contains(where: { $0.contains(0x7F00_0001) })
        }
        // A name that is all digits and dots (e.g. `2130706433` or `0x7f.1`) is an IP in disguise.
        return !trimmed.allSatisfy({ $0.isNumber || $0 == "." }) && !trimmed.lowercased().hasPrefix("0x")
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

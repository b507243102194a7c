extension RecipientNormalizer {
    static let maximumURLLength = 2048

    /// Normalises a webhook URL to `https://host[:port]/path[?query]`.
    ///
    /// Scheme and host are lower-cased (host through the same IDNA rules as email domains), the default port is
    /// dropped, an empty path becomes `/`, an empty query is dropped, and percent-encoding is normalised
    /// (unreserved characters decoded, other escapes upper-cased). Refused: any scheme but https (http only when
    /// ``allowInsecureWebhooks``), user info, fragments, IPv6 literals, IPv4 in anything but plain dotted decimal
    /// (no octal, hex or integer forms), `.`/`..` path segments (also when percent-encoded), backslashes, raw
    /// non-ASCII and whitespace.
    public func webhook(_ raw: String) throws(RecipientError) -> Recipient {
        guard !raw.isEmpty else { throw RecipientError(.empty) }
        guard raw.utf8.count <= Self.maximumURLLength else { throw RecipientError(.tooLong) }
        try Self.refuseInvisible(raw)
        if raw.contains("\\") { throw RecipientError(.backslash) }
        if raw.contains("#") { throw RecipientError(.fragment) }
        guard let schemeEnd = raw.range(of: "://") else { throw RecipientError(.notAbsoluteURL) }
        let scheme = String(
            decoding: raw[..<schemeEnd.lowerBound].utf8.map(DomainNormalizer.lowercasedASCII), as: UTF8.self)
        guard scheme == "https" || (scheme == "http" && allowInsecureWebhooks) else {
            throw RecipientError(.schemeNotAllowed)
        }
        let rest = raw[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if authority.contains("@") { throw RecipientError(.userInfo) }
        if authority.hasPrefix("[") { throw RecipientError(.ipv6NotSupported) }
        var host = authority
        var port: Int? = nil
        if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = try Self.port(authority[authority.index(after: colon)...])
        }
        guard !host.isEmpty else { throw RecipientError(.notAbsoluteURL) }
        let canonicalHost = try Self.host(host)
        let defaultPort = scheme == "https" ? 443 : 80
        var url = scheme + "://" + canonicalHost
        if let port, port != defaultPort { url += ":\(port)" }

        let pathAndQuery = rest[authorityEnd...]
        let queryStart = pathAndQuery.firstIndex(of: "?")
        let rawPath = pathAndQuery[..<(queryStart ?? pathAndQuery.endIndex)]
        let path = try Self.percentNormalized(rawPath, allowed: Self.pathBytes)
        for segment in path.split(separator: "/", omittingEmptySubsequences: false)
        where segment == "." || segment == ".." {
            throw RecipientError(.dotSegment)
        }
        url += path.isEmpty ? "/" : path
        if let queryStart {
            let query = try Self.percentNormalized(
                pathAndQuery[pathAndQuery.index(after: queryStart)...], allowed: Self.queryBytes)
            if !query.isEmpty { url += "?" + query }
        }
        guard url.utf8.count <= Self.maximumURLLength else { throw RecipientError(.tooLong) }
        return Recipient(trustedCanonical: url)
    }

    private static func port(_ text: Substring) throws(RecipientError) -> Int {
        guard !text.isEmpty, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = Int(text), (1...65535).contains(value)
        else { throw RecipientError(.invalidPort) }
        return value
    }

    private static func host(_ text: Substring) throws(RecipientError) -> String {
        let looksNumeric = text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
        guard looksNumeric else { return try DomainNormalizer.normalize(text) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw RecipientError(.invalidIPv4) }
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part == "0" || !part.hasPrefix("0"), let value = Int(part),
                value <= 255
            else { throw RecipientError(.invalidIPv4) }
        }
        return String(text)
    }

    private static let unreservedBytes = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    private static let pathBytes = unreservedBytes.union(Array("!$&'()*+,;=:@/".utf8))
    private static let queryBytes = pathBytes.union(Array("?".utf8))

    /// Decodes escapes of unreserved characters, upper-cases the hex of all other escapes, and refuses any raw
    /// byte outside `allowed`.
    private static func percentNormalized(_ text: Substring, allowed: Set<UInt8>) throws(RecipientError) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { throw RecipientError(.invalidPercentEncoding) }
                let decoded = high << 4 | low
                if unreservedBytes.contains(decoded) {
                    out.append(decoded)
                } else {
                    out.append(UInt8(ascii: "%"))
                    out.append(contentsOf: Array(String(decoded, radix: 16, uppercase: true).leftPadded(to: 2).utf8))
                }
                index += 3
            } else {
                guard allowed.contains(byte) else { throw RecipientError(.urlCharacter) }
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

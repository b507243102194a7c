/// IPv4 dotted quads (each octet 0–255, zero-padded octets included) and IPv6 addresses (RFC 4291 text forms, including
/// `::` compression and an embedded IPv4 tail).
///
/// Version strings shaped like addresses (`1.2.3.4`) are redacted too: a false positive costs readability,
/// a false negative leaks an address.
struct IPAddressDetector: Detector {
    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        while i < text.count {
            let b = text[i]
            let previous = text.byte(at: i - 1)
            guard ByteClass.isHex(b) || b == UInt8(ascii: ":"), !ByteClass.isWord(previous),
                previous != UInt8(ascii: "."), previous != UInt8(ascii: ":")
            else {
                i += 1
                continue
            }
            if ByteClass.isDigit(b), let end = IPv4.match(text, at: i) {
                findings.append(Finding(type: .ipv4, rule: "ipv4", byteRange: i..<end))
                i = end
            } else if let end = IPv6.match(text, at: i) {
                findings.append(Finding(type: .ipv6, rule: "ipv6", byteRange: i..<end))
                i = end
            } else {
                i += 1
            }
        }
    }
}

enum IPv4 {
    /// The end of a dotted quad starting at `start` that is not part of a longer dotted or alphanumeric run.
    static func match(_ text: [UInt8], at start: Int) -> Int? {
        guard let end = parse(text, at: start) else { return nil }
        let after = text.byte(at: end)
        if ByteClass.isWord(after) { return nil }
        if after == UInt8(ascii: "."), ByteClass.isDigit(text.byte(at: end + 1)) { return nil }
        return end
    }

    /// Parses four octets at `start`; returns the end offset. Used for IPv6's embedded IPv4 tail as well.
    static func parse(_ text: [UInt8], at start: Int) -> Int? {
        var index = start
        for octet in 0..<4 {
            if octet > 0 {
                guard text.byte(at: index) == UInt8(ascii: ".") else { return nil }
                index += 1
            }
            let octetStart = index
            var value = 0
            while index < text.count, ByteClass.isDigit(text[index]), index - octetStart < 3 {
                value = value * 10 + ByteClass.digitValue(text[index])
                index += 1
            }
            let length = index - octetStart
            guard length > 0, value <= 255, !ByteClass.isDigit(text.byte(at: index))
            else { return nil }
        }
        return index
    }
}

enum IPv6 {
    private static let maxLength = 45

    /// The end of an IPv6 address starting at `start`, if the hex/colon run there is one.
    static func match(_ text: [UInt8], at start: Int) -> Int? {
        var index = start
        var groups = 0
        var compressed = false
        var colons = 0
        var end: Int?
        if text.byte(at: index) == UInt8(ascii: ":") {
            guard text.byte(at: index + 1) == UInt8(ascii: ":") else { return nil }
            compressed = true
            colons = 2
            index += 2
            end = index
        }
        while index - start <= maxLength {
            // Embedded IPv4 tail: only after at least one colon, as the last 32 bits.
            if colons > 0, ByteClass.isDigit(text.byte(at: index)), let tail = IPv4.parse(text, at: index),
                compressed ? groups <= 5 : groups == 6
            {
                groups += 2
                end = tail
                index = tail
                break
            }
            let groupStart = index
            while ByteClass.isHex(text.byte(at: index)), index - groupStart < 5 { index += 1 }
            let length = index - groupStart
            if length == 0 { break }
            guard length <= 4 else { return nil }
            groups += 1
            end = index
            guard text.byte(at: index) == UInt8(ascii: ":") else { break }
            if text.byte(at: index + 1) == UInt8(ascii: ":") {
                guard !compressed else { break }
                compressed = true
                colons += 2
                index += 2
                end = index
            } else {
                guard ByteClass.isHex(text.byte(at: index + 1)) else { break }
                colons += 1
                index += 1
            }
        }
        guard let finalEnd = end, colons >= 2 else { return nil }
        if compressed ? groups > 7 || groups == 0 : groups != 8 { return nil }
        let after = text.byte(at: finalEnd)
        if ByteClass.isWord(after) || (after == UInt8(ascii: ".") && ByteClass.isHex(text.byte(at: finalEnd + 1))) {
            return nil
        }
        if after == UInt8(ascii: ":"), ByteClass.isHex(text.byte(at: finalEnd + 1)) { return nil }
        return finalEnd
    }
}

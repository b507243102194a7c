/// The `format` checks Warden enforces. Deliberately plain syntax checks: a value passes only when it is
/// unambiguously of the format, and anything with control characters or whitespace fails.
enum FormatChecker {
    static func matches(_ format: StringFormat, _ text: String) -> Bool {
        guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
        else { return false }
        switch format {
        case .email:
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
                && !parts[1].hasSuffix(".")
        case .uri:
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
            let scheme = text[..<colon]
            return scheme.first?.isLetter == true
                && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
        case .uuid:
            let groups = text.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
            return groups == [8, 4, 4, 4, 12] && text.allSatisfy { $0 == "-" || $0.isHexDigit }
        case .date:
            return isDate(Substring(text))
        case .dateTime:
            guard let t = text.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return false }
            return isDate(text[..<t]) && isTime(text[text.index(after: t)...])
        case .ipv4:
            let octets = text.split(separator: ".", omittingEmptySubsequences: false)
            return octets.count == 4
                && octets.allSatisfy { o in
                    !o.isEmpty && o.count <= 3 && o.allSatisfy(\.isASCIIDigit) && (Int(o) ?? 256) <= 255
                        && (o.count == 1 || o.first != "0")
                }
        case .ipv6:
            return text.contains(":") && text.count <= 45
                && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
                && text.components(separatedBy: "::").count <= 2
        case .hostname:
            let labels = text.split(separator: ".", omittingEmptySubsequences: false)
            return text.utf8.count <= 253
                && labels.allSatisfy { label in
                    !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                        && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                }
        }
    }

    static func isDate(_ text: Substring) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let month = Int(parts[1]), let day = Int(parts[2])
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    static func isTime(_ text: Substring) -> Bool {
        var body = text
        if body.hasSuffix("Z") || body.hasSuffix("z") {
            body = body.dropLast()
        } else if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let offset = body[body.index(after: sign)...].split(separator: ":", omittingEmptySubsequences: false)
            guard offset.map(\.count) == [2, 2], offset.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else {
                return false
            }
            body = body[..<sign]
        } else {
            return false
        }
        let clock = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let hms = clock[0].split(separator: ":", omittingEmptySubsequences: false)
        guard hms.map(\.count) == [2, 2, 2], hms.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let h = Int(hms[0]), let m = Int(hms[1]), let s = Int(hms[2]), h < 24, m < 60, s <= 60
        else { return false }
        return clock.count == 1 || (!clock[1].isEmpty && clock[1].allSatisfy(\.isASCIIDigit))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

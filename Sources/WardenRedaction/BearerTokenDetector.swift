/// Credentials in HTTP authentication: `Bearer <token>` anywhere, and the value of an `Authorization` header
/// or field whatever its scheme (`Basic`, `Token`, a bare key).
///
/// Only the credential is matched, so the redacted line still shows which scheme was used.
struct BearerTokenDetector: Detector {
    private static let bearer = Array("bearer".utf8)
    private static let authorization = Array("authorization".utf8)
    private static let minimumTokenLength = 8

    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        while i < text.count {
            let b = ByteClass.lower(text[i])
            guard b == UInt8(ascii: "b") || b == UInt8(ascii: "a"), !ByteClass.isAlnum(text.byte(at: i - 1)) else {
                i += 1
                continue
            }
            if b == UInt8(ascii: "b"), text.matches(Self.bearer, at: i, caseInsensitive: true),
                let range = credential(text, from: i + Self.bearer.count, requireSpace: true)
            {
                findings.append(Finding(type: .bearerToken, rule: "bearer-token", byteRange: range))
                i = range.upperBound
            } else if b == UInt8(ascii: "a"), text.matches(Self.authorization, at: i, caseInsensitive: true),
                let range = authorizationValue(text, from: i + Self.authorization.count)
            {
                findings.append(Finding(type: .bearerToken, rule: "authorization-header", byteRange: range))
                i = range.upperBound
            } else {
                i += 1
            }
        }
    }

    /// The token after `Bearer`: token68 (RFC 7235), at least eight long, with a digit or mixed case so that
    /// prose ("bearer authentication") is not a token.
    private func credential(_ text: [UInt8], from: Int, requireSpace: Bool) -> Range<Int>? {
        var index = from
        while text.byte(at: index) == UInt8(ascii: " ") { index += 1 }
        if requireSpace, index == from { return nil }
        let start = index
        var hasDigit = false
        var hasUpper = false
        var hasLower = false
        while index < text.count, Self.isTokenByte(text[index]) {
            let b = text[index]
            hasDigit = hasDigit || ByteClass.isDigit(b)
            hasUpper = hasUpper || ByteClass.isUpper(b)
            hasLower = hasLower || ByteClass.isLower(b)
            index += 1
        }
        while text.byte(at: index) == UInt8(ascii: "=") { index += 1 }
        // token68 allows `=` only as trailing padding; `scope=read` is a parameter, not a credential.
        guard index - start >= Self.minimumTokenLength, !Self.isTokenByte(text.byte(at: index)),
            hasDigit || (hasUpper && hasLower)
        else { return nil }
        return start..<index
    }

    /// `Authorization: Basic abc…`, `"authorization": "Token abc…"`, `authorization=abc…`.
    private func authorizationValue(_ text: [UInt8], from: Int) -> Range<Int>? {
        var index = from
        if text.byte(at: index) == UInt8(ascii: "\"") || text.byte(at: index) == UInt8(ascii: "'") { index += 1 }
        while text.byte(at: index) == UInt8(ascii: " ") { index += 1 }
        guard text.byte(at: index) == UInt8(ascii: ":") || text.byte(at: index) == UInt8(ascii: "=") else {
            return nil
        }
        index += 1
        while text.byte(at: index) == UInt8(ascii: " ") { index += 1 }
        if text.byte(at: index) == UInt8(ascii: "\"") || text.byte(at: index) == UInt8(ascii: "'") { index += 1 }
        if text.matches(Self.bearer, at: index, caseInsensitive: true) { return nil }  // the Bearer rule takes it
        // An optional scheme word, then the credential.
        var schemeEnd = index
        while ByteClass.isAlpha(text.byte(at: schemeEnd)) { schemeEnd += 1 }
        if schemeEnd > index, text.byte(at: schemeEnd) == UInt8(ascii: " "),
            let range = credential(text, from: schemeEnd, requireSpace: true)
        {
            return range
        }
        if text.byte(at: index) == UInt8(ascii: "[") { return nil }  // already redacted
        return credential(text, from: index, requireSpace: false)
    }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        ByteClass.isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "~") || b == UInt8(ascii: "+") || b == UInt8(ascii: "/")
    }
}

/// Passwords in URL user info: `scheme://user:password@host`.
///
/// Only the password is matched; the user and host stay visible for debugging. The last `@` before the path
/// delimits user info, so an unencoded `@` inside the password is still covered.
struct URLPasswordDetector: Detector {
    private static let maxUserInfoLength = 512

    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        while i + 2 < text.count {
            guard text[i] == UInt8(ascii: ":"), text[i + 1] == UInt8(ascii: "/"), text[i + 2] == UInt8(ascii: "/")
            else {
                i += 1
                continue
            }
            let start = i + 3
            var index = start
            var lastAt: Int?
            while index < text.count, index - start < Self.maxUserInfoLength, !Self.endsAuthority(text[index]) {
                if text[index] == UInt8(ascii: "@") { lastAt = index }
                index += 1
            }
            if let at = lastAt, let colon = text[start..<at].firstIndex(of: UInt8(ascii: ":")), colon + 1 < at,
                text[colon + 1] != UInt8(ascii: "[")
            {
                findings.append(Finding(type: .password, rule: "url-password", byteRange: colon + 1..<at))
                i = at
            } else {
                i = start
            }
        }
    }

    private static func endsAuthority(_ b: UInt8) -> Bool {
        ByteClass.isSpace(b) || b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#")
            || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">")
    }
}

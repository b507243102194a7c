/// One (possibly multi-line) SMTP reply: a three-digit code and its text lines.
public struct SMTPReply: Sendable, Hashable {
    public var code: Int
    public var lines: [String]

    /// The text of the first line, truncated to 200 characters and with control characters replaced,
    /// because it is untrusted server text that ends up in errors, logs and tool results.
    public var summary: String {
        let scalars = (lines.first ?? "").unicodeScalars.prefix(200).map { scalar -> Character in
            MIMERenderer.isForbiddenInHeader(scalar) ? "?" : Character(scalar)
        }
        return String(scalars)
    }
}

/// Incremental, bounded parser of SMTP reply lines (RFC 5321 §4.2). Pure.
struct SMTPReplyParser {
    /// RFC 5321 limits a reply line to 512 octets; allow some slack but never unbounded.
    static let maxLineBytes = 2048
    static let maxLinesPerReply = 100

    enum Failure: Error { case malformed }

    private var pendingLines: [String] = []
    private var pendingCode: Int?

    /// Feeds one line (without CRLF); returns a reply when its last line arrives.
    mutating func feed(line: [UInt8]) throws(Failure) -> SMTPReply? {
        guard line.count >= 3, line.count <= Self.maxLineBytes else { throw .malformed }
        let digits = line.prefix(3)
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let first = digits.first, first >= 0x32, first <= 0x35
        else { throw .malformed }
        let code = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        if let pendingCode, pendingCode != code { throw .malformed }
        pendingCode = code
        let separator = line.count > 3 ? line[3] : UInt8(ascii: " ")
        let text = line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : ""
        pendingLines.append(text)
        guard pendingLines.count <= Self.maxLinesPerReply else { throw .malformed }
        switch separator {
        case UInt8(ascii: "-"):
            return nil
        case UInt8(ascii: " "):
            let reply = SMTPReply(code: code, lines: pendingLines)
            pendingLines = []
            pendingCode = nil
            return reply
        default:
            throw .malformed
        }
    }
}

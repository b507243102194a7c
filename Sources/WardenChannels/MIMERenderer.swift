import Foundation

/// Renders an `EmailMessage` as RFC 5322 / MIME text with CRLF line endings. Pure: no I/O.
///
/// The renderer is the header-injection boundary: every header value is checked for control
/// characters and every address is an `EmailAddress` (plain addr-spec), so no input can start a
/// new header line or end the header block early.
public struct MIMERenderer: Sendable {
    public var maxRecipients: Int
    public var maxSubjectBytes: Int
    public var maxBodyBytes: Int

    public init(maxRecipients: Int = 100, maxSubjectBytes: Int = 2048, maxBodyBytes: Int = 4 << 20) {
        self.maxRecipients = maxRecipients
        self.maxSubjectBytes = maxSubjectBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Checks the limits and header values of `message`, throwing the first rule it breaks.
    public func validate(_ message: EmailMessage) throws(EmailMessageError) {
        let count = message.envelopeRecipients.count
        guard count > 0 else { throw .noRecipients }
        guard count <= maxRecipients else { throw .tooManyRecipients(count: count, limit: maxRecipients) }
        guard !message.subject.unicodeScalars.contains(where: Self.isForbiddenInHeader) else {
            throw .headerValueContainsControlCharacter(header: "Subject")
        }
        let subjectBytes = message.subject.utf8.count
        guard subjectBytes <= maxSubjectBytes else {
            throw .subjectTooLong(bytes: subjectBytes, limit: maxSubjectBytes)
        }
        let bodyBytes = message.body.utf8.count
        guard bodyBytes <= maxBodyBytes else { throw .bodyTooLarge(bytes: bodyBytes, limit: maxBodyBytes) }
    }

    /// The full message (headers, blank line, encoded body), CRLF line endings, not dot-stuffed.
    public func render(_ message: EmailMessage, date: Date, messageID: String) throws(EmailMessageError) -> String {
        try validate(message)
        var lines: [String] = []
        lines.append("From: \(message.from)")
        if message.to.isEmpty {
            lines.append("To: undisclosed-recipients:;")
        } else {
            lines.append("To: " + message.to.map(\.description).joined(separator: ",\r\n "))
        }
        if !message.cc.isEmpty {
            lines.append("Cc: " + message.cc.map(\.description).joined(separator: ",\r\n "))
        }
        lines.append("Subject: " + Self.encodeSubject(message.subject))
        lines.append("Date: " + Self.rfc5322Date(date))
        lines.append("Message-ID: <\(messageID)@\(message.from.domain)>")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: \(message.transferEncoding.rawValue)")
        let body: String
        switch message.transferEncoding {
        case .quotedPrintable: body = QuotedPrintable.encode(Self.normalizeLineEndings(message.body))
        case .base64: body = Self.base64Lines(Array(Self.normalizeLineEndings(message.body).utf8))
        }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    /// Control characters (C0, DEL, C1) and Unicode line/paragraph separators may not appear in a header value.
    static func isForbiddenInHeader(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || v == 0x7F || (v >= 0x80 && v <= 0x9F) || v == 0x2028 || v == 0x2029
    }

    /// Converts CRLF, lone CR and lone LF to CRLF.
    public static func normalizeLineEndings(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                out += "\r\n"
                previousWasCR = true
            } else if scalar == "\n" {
                if !previousWasCR { out += "\r\n" }
                previousWasCR = false
            } else {
                out.unicodeScalars.append(scalar)
                previousWasCR = false
            }
        }
        return out
    }

    /// Plain ASCII subjects stay as they are; anything else becomes RFC 2047 `B` encoded words,
    /// each at most 64 characters (so "Subject: " plus a word fits 78), split on character boundaries and
    /// folded onto continuation lines.
    public static func encodeSubject(_ subject: String) -> String {
        let isPlain = subject.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if isPlain && subject.utf8.count <= 900 && !subject.contains("=?") { return subject }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in subject {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 39, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
        }
        return words.joined(separator: "\r\n ")
    }

    /// Base64 in lines of 76 characters.
    static func base64Lines(_ bytes: [UInt8]) -> String {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var lines: [String] = []
        var index = 0
        while index < encoded.count {
            let end = min(index + 76, encoded.count)
            lines.append(String(decoding: encoded[index..<end], as: UTF8.self))
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// An RFC 5322 `date-time` in UTC, e.g. `Fri, 27 Nov 2026 00:30:00 +0000`.
    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

import Foundation
import Testing
import WardenChannels

@Suite("MIME rendering")
struct MIMERendererTests {
    func message(subject: String = "s", body: String = "b", bcc: [EmailAddress] = []) throws -> EmailMessage {
        EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], bcc: bcc,
            subject: subject, body: body)
    }

    @Test func everyLineEndsWithCRLFAndNoLineExceeds78Characters() throws {
        let text = try MIMERenderer().render(
            try message(
                subject: String(repeating: "Ω", count: 200), body: "a\nb\rc\r\n" + String(repeating: "é", count: 300)),
            date: Date(timeIntervalSince1970: 0), messageID: "id")
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            #expect(index > 0 && bytes[index - 1] == UInt8(ascii: "\r"), "bare LF at \(index)")
        }
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "line too long: \(line.utf8.count)")
        }
        #expect(bytes.allSatisfy { $0 < 0x80 }, "rendered message must be 7-bit")
    }

    @Test func bccRecipientsNeverAppearInTheRenderedMessage() throws {
        let text = try MIMERenderer().render(
            try message(bcc: [try address("secret@example.net")]), date: Date(), messageID: "id")
        #expect(!text.contains("secret@example.net"))
        #expect(!text.lowercased().contains("bcc:"))
    }

    @Test func dateHeaderIsRFC5322() throws {
        #expect(MIMERenderer.rfc5322Date(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
    }

    @Test func asciiSubjectStaysAsIsAndNonASCIIBecomesEncodedWordsThatDecodeBack() throws {
        #expect(MIMERenderer.encodeSubject("Plain subject") == "Plain subject")
        let original = "Grüße " + String(repeating: "請", count: 30)
        let encoded = MIMERenderer.encodeSubject(original)
        var decoded: [UInt8] = []
        for word in encoded.components(separatedBy: "\r\n ") {
            #expect(word.utf8.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let payload = String(word.dropFirst(10).dropLast(2))
            let data = try #require(Data(base64Encoded: payload))
            #expect(String(data: data, encoding: .utf8) != nil, "encoded word split a UTF-8 sequence")
            decoded += Array(data)
        }
        #expect(String(decoding: decoded, as: UTF8.self) == original)
    }

    @Test func subjectThatLooksLikeAnEncodedWordIsEncodedSoItCannotBeMisread() {
        #expect(MIMERenderer.encodeSubject("=?UTF-8?B?SGk=?=").hasPrefix("=?UTF-8?B?"))
        #expect(MIMERenderer.encodeSubject("=?UTF-8?B?SGk=?=") != "=?UTF-8?B?SGk=?=")
    }

    @Test func lineEndingsAreNormalisedToCRLF() {
        #expect(MIMERenderer.normalizeLineEndings("a\nb\rc\r\nd") == "a\r\nb\r\nc\r\nd")
    }

    @Test func quotedPrintableEscapesEqualsNonASCIIAndTrailingWhitespace() {
        #expect(QuotedPrintable.encode("a=b") == "a=3Db")
        #expect(QuotedPrintable.encode("é") == "=C3=A9")
        #expect(QuotedPrintable.encode("end \r\nx\t") == "end=20\r\nx=09")
        let long = QuotedPrintable.encode(String(repeating: "x", count: 200))
        #expect(long.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        #expect(long.replacingOccurrences(of: "=\r\n", with: "") == String(repeating: "x", count: 200))
    }

    @Test func dotStuffingDoublesALeadingDotOnEveryLine() {
        #expect(DotStuffing.apply(".\r\na\r\n..b\r\n.c") == "..\r\na\r\n...b\r\n..c")
    }
}

import Testing

@testable import WardenChannels

@Suite("SMTP reply parsing")
struct SMTPReplyParserTests {
    func feed(_ lines: [String]) throws -> [SMTPReply] {
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        for line in lines {
            if let reply = try parser.feed(line: Array(line.utf8)) { replies.append(reply) }
        }
        return replies
    }

    @Test func multiLineReplyIsOneReplyWithAllItsLines() throws {
        let replies = try feed(["250-mail.example", "250-STARTTLS", "250 AUTH PLAIN LOGIN"])
        #expect(replies == [SMTPReply(code: 250, lines: ["mail.example", "STARTTLS", "AUTH PLAIN LOGIN"])])
    }

    @Test(arguments: [["25"], ["abc hello"], ["650 no such class"], ["250-a", "251 b"], ["250_x"]])
    func replyThatIsNotValidSMTPIsRefused(lines: [String]) {
        #expect(throws: SMTPReplyParser.Failure.self) { try feed(lines) }
    }

    @Test func replyWithTooManyLinesIsRefused() {
        #expect(throws: SMTPReplyParser.Failure.self) {
            try feed(Array(repeating: "250-x", count: SMTPReplyParser.maxLinesPerReply + 1))
        }
    }

    @Test func summaryReplacesControlCharactersFromTheServer() {
        let reply = SMTPReply(code: 550, lines: ["bad\u{1B}[31m user\u{7}"])
        #expect(reply.summary == "bad?[31m user?")
    }
}

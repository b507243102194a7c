import Foundation
import Testing
import WardenChannels
import WardenCore

@Suite("SMTP delivery to a real aiosmtpd server", .enabled(if: TestPeers.python != nil, "\(TestPeers.disabledMessage)"))
struct SMTPDeliveryTests {
    @Test func everyRecipientIncludingBccIsInTheEnvelopeButBccIsNotInTheHeaders() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")],
            cc: [try address("bob@example.org")], bcc: [try address("hidden@example.net")],
            subject: "Quarterly report", body: "Hello Alice,\nthe report is attached.\n")
        let receipt = try await SMTPClient(configuration: try sink.configuration()).send(message)

        let records = try sink.records()
        try #require(records.count == 1)
        let record = records[0]
        #expect(record["mail_from"]?.stringValue == "agent@tenant.example")
        #expect(
            Set(record["rcpt_tos"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                == ["alice@example.com", "bob@example.org", "hidden@example.net"])
        let headerNames = record["header_names"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(!headerNames.contains("bcc"))
        let rawData = record["data"]?.stringValue ?? ""
        #expect(!rawData.contains("hidden@example.net"))
        for required in ["from", "to", "cc", "subject", "date", "message-id", "mime-version", "content-type"] {
            #expect(headerNames.contains(required), "missing header \(required)")
        }
        #expect(record["defects"]?.arrayValue == [])
        #expect(receipt.acceptedRecipients.count == 3)
        #expect(rawData.contains("Message-ID: <\(receipt.messageID)>"))
    }

    @Test func sessionUsesStartTLSAndAuthenticates() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "TLS",
            body: "over TLS")
        let receipt = try await SMTPClient(configuration: try sink.configuration()).send(message)
        let record = try #require(try sink.records().first)
        #expect(record["starttls"] == .bool(true))
        #expect(record["tls"] == .bool(true))
        #expect(record["authenticated"] == .bool(true))
        #expect(record["auth_mechanism"] == "PLAIN")
        #expect(receipt.usedTLS)
    }

    @Test func implicitTLSSessionDeliversOverTLSFromTheFirstByte() async throws {
        let sink = try SMTPSink(implicitTLS: true)
        defer { sink.stop() }
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "SMTPS",
            body: "over implicit TLS")
        let receipt = try await SMTPClient(configuration: try sink.configuration()).send(message)
        let record = try #require(try sink.records().first)
        #expect(record["tls"] == .bool(true))
        #expect(record["starttls"] == .bool(false))
        #expect(record["authenticated"] == .bool(true))
        #expect(receipt.usedTLS)
    }

    @Test func authLoginMechanismWorksWhenChosen() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "LOGIN",
            body: "x")
        _ = try await SMTPClient(configuration: try sink.configuration(mechanism: .login)).send(message)
        let record = try #require(try sink.records().first)
        #expect(record["auth_mechanism"] == "LOGIN")
    }

    @Test func nonASCIISubjectAndBodyDecodeToTheOriginalText() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let subject = "Grüße aus Zürich — 請求書の確認 ✓ " + String(repeating: "ä", count: 40)
        let body =
            "Liebe Grüße,\r\nZeile mit = Gleichheitszeichen und trailing space \n" + String(repeating: "ü", count: 90)
        for encoding in [BodyTransferEncoding.quotedPrintable, .base64] {
            let message = EmailMessage(
                from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: subject,
                body: body, transferEncoding: encoding)
            _ = try await SMTPClient(configuration: try sink.configuration()).send(message)
        }
        let records = try sink.records()
        try #require(records.count == 2)
        for record in records {
            #expect(record["subject"]?.stringValue == subject)
            #expect(receivedBody(record) == body.replacingOccurrences(of: "\r\n", with: "\n"))
            let rawData = record["data"]?.stringValue ?? ""
            #expect(!rawData.contains("Grüße"), "raw data must be 7-bit encoded")
        }
    }

    @Test func linesStartingWithADotArriveIntactThroughDotStuffing() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let body = "first\n.\n..two dots\n.hidden line\nlast"
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "dots",
            body: body)
        _ = try await SMTPClient(configuration: try sink.configuration()).send(message)
        let record = try #require(try sink.records().first)
        #expect(receivedBody(record) == body)
    }

    @Test func wrongPasswordIsRefusedWithTheAuthReplyCodeAndNothingIsDelivered() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "x", body: "x")
        let client = SMTPClient(configuration: try sink.configuration(password: "wrong password"))
        let error = await #expect(throws: SMTPError.self) { try await client.send(message) }
        guard case .authenticationFailed(let code, _)? = error else {
            Issue.record("expected authenticationFailed, got \(String(describing: error))")
            return
        }
        #expect(code == 535)
        #expect(error?.description.contains("AUTH") == true)
        #expect(error?.description.contains("wrong password") == false)
        #expect(try sink.records().isEmpty)
    }

    @Test func serverCertificateThatIsNotTrustedFailsTheTLSHandshakeAndNothingIsDelivered() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "x", body: "x")
        let client = SMTPClient(configuration: try sink.configuration(trustSinkCertificate: false))
        let error = await #expect(throws: SMTPError.self) { try await client.send(message) }
        guard case .connectionFailed(let step, _)? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(step == .tlsHandshake)
        #expect(try sink.records().isEmpty)
    }

    @Test func plaintextSessionIsRefusedByAServerThatRequiresTLS() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        var configuration = try sink.configuration()
        configuration.security = .plaintextLoopbackOnly
        configuration.credentials = nil
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "x", body: "x")
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: configuration).send(message)
        }
        guard case .unexpectedReply(let step, let code, _)? = error else {
            Issue.record("expected unexpectedReply, got \(String(describing: error))")
            return
        }
        #expect(step == .mailFrom)
        #expect(code == 530)
        #expect(try sink.records().isEmpty)
    }
}

/// The body as the sink's MIME parser decoded it, with LF line ends and without the final line break.
func receivedBody(_ record: JSONValue) -> String {
    let text = (record["body"]?.stringValue ?? "").replacingOccurrences(of: "\r\n", with: "\n")
    return text.hasSuffix("\n") ? String(text.dropLast()) : text
}

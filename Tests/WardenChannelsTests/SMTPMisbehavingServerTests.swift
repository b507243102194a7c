import Foundation
import Testing
import WardenChannels

/// The client against a scripted server (e2e/peers/smtp_misbehaving.py) that records every command it got.
@Suite(
    "SMTP client fails closed against a misbehaving server",
    .enabled(if: TestPeers.python != nil, "\(TestPeers.disabledMessage)"))
struct SMTPMisbehavingServerTests {
    struct Outcome {
        var error: SMTPError?
        var commands: [String]
    }

    func run(
        mode: String, security: SMTPTransportSecurity = .startTLS,
        credentials: SMTPCredentials? = SMTPCredentials(username: "u", password: "p"),
        bcc: [String] = []
    ) async throws -> Outcome {
        let directory = try TestPeers.temporaryDirectory()
        let log = directory.appendingPathComponent("commands.log")
        let peer = try PeerProcess(script: "smtp_misbehaving.py", arguments: ["--out", log.path, "--mode", mode])
        defer {
            peer.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        let configuration = SMTPConfiguration(
            host: "127.0.0.1", port: peer.port, security: security, credentials: credentials,
            connectTimeout: .seconds(5), stepTimeout: .seconds(2))
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")],
            bcc: try bcc.map(address), subject: "s", body: "b")
        var outcome = Outcome(commands: [])
        do {
            _ = try await SMTPClient(configuration: configuration).send(message)
        } catch {
            outcome.error = error
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        outcome.commands = text.split(separator: "\n").map(String.init)
        return outcome
    }

    @Test func serverThatDoesNotOfferSTARTTLSIsRefusedBeforeCredentialsAreSent() async throws {
        let outcome = try await run(mode: "no-starttls")
        #expect(outcome.error == .startTLSNotOffered)
        #expect(outcome.commands == ["EHLO warden.invalid"])
    }

    @Test func plaintextInjectedAfterTheSTARTTLSReplyIsRefused() async throws {
        let outcome = try await run(mode: "starttls-injection")
        #expect(outcome.error == .malformedReply(step: .startTLS))
        #expect(outcome.commands == ["EHLO warden.invalid", "STARTTLS"])
    }

    @Test func silentServerTimesOutAtTheGreeting() async throws {
        let outcome = try await run(mode: "stall")
        #expect(outcome.error == .timeout(step: .greeting))
    }

    @Test func greetingThatIsNotAnSMTPReplyIsRefused() async throws {
        let outcome = try await run(mode: "garbage")
        #expect(outcome.error == .malformedReply(step: .greeting))
    }

    @Test func oneRefusedRecipientAbortsTheWholeSendBeforeDATA() async throws {
        let outcome = try await run(
            mode: "reject-rcpt", security: .plaintextLoopbackOnly, credentials: nil,
            bcc: ["second@example.org", "third@example.org"])
        guard case .unexpectedReply(let step, let code, _)? = outcome.error else {
            Issue.record("expected unexpectedReply, got \(String(describing: outcome.error))")
            return
        }
        #expect(step == .rcptTo)
        #expect(code == 550)
        #expect(!outcome.commands.contains("DATA"))
        #expect(!outcome.commands.contains { $0.contains("third@example.org") })
    }
}

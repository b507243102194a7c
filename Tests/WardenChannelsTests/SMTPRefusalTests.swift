import Testing
import WardenChannels

/// Refusals that must happen before any connection: the configured port has no server, so a client that
/// connected anyway would fail with `connectionFailed` instead of the expected error.
@Suite("SMTP refuses bad input before connecting")
struct SMTPRefusalTests {
    static let unreachable = SMTPConfiguration(
        host: "127.0.0.1", port: 9, security: .startTLS, connectTimeout: .seconds(2), stepTimeout: .seconds(2))

    @Test(arguments: [
        "hi\r\nBcc: evil@attacker.example", "hi\nX-Injected: 1", "hi\rX: 1", "tab\u{0}nul", "ls\u{2028}sep",
    ])
    func subjectWithLineBreakOrControlCharacterIsRefusedBeforeConnecting(subject: String) async throws {
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: subject,
            body: "x")
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: Self.unreachable).send(message)
        }
        #expect(error == .invalidMessage(.headerValueContainsControlCharacter(header: "Subject")))
    }

    @Test func messageWithoutRecipientsIsRefusedBeforeConnecting() async throws {
        let message = EmailMessage(from: try address("agent@tenant.example"), to: [], subject: "x", body: "x")
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: Self.unreachable).send(message)
        }
        #expect(error == .invalidMessage(.noRecipients))
    }

    @Test func plaintextToANonLoopbackHostIsRefusedBeforeConnecting() async throws {
        let configuration = SMTPConfiguration(host: "192.0.2.10", port: 25, security: .plaintextLoopbackOnly)
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "x", body: "x")
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: configuration).send(message)
        }
        #expect(error == .plaintextRefusedForNonLoopback(host: "192.0.2.10"))
    }

    @Test(arguments: [
        ("warden\r\nMAIL FROM:<x@y.org>", SMTPCredentials?.none),
        ("warden.example", SMTPCredentials(username: "u\u{0}admin", password: "p")),
        ("warden.example", SMTPCredentials(username: "u", password: "p\r\nQUIT")),
    ])
    func ehloNameOrCredentialsThatCouldInjectCommandsAreRefusedBeforeConnecting(
        name: String, credentials: SMTPCredentials?
    ) async throws {
        var configuration = Self.unreachable
        configuration.clientHostname = name
        configuration.credentials = credentials
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "x", body: "x")
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: configuration).send(message)
        }
        guard case .invalidConfiguration? = error else {
            Issue.record("expected invalidConfiguration, got \(String(describing: error))")
            return
        }
    }

    @Test func credentialsNeverAppearInTheirDescription() {
        let credentials = SMTPCredentials(username: "mailer", password: "hunter2-secret")
        #expect(!"\(credentials)".contains("hunter2-secret"))
        #expect(!"\(credentials)".contains("mailer"))
    }

    @Test func closedPortFailsAtTheConnectStep() async throws {
        let message = EmailMessage(
            from: try address("agent@tenant.example"), to: [try address("alice@example.com")], subject: "x", body: "x")
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: Self.unreachable).send(message)
        }
        guard case .connectionFailed(let step, _)? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(step == .connect)
    }
}

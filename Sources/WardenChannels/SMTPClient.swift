import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends one message per call over SMTP (RFC 5321) with STARTTLS (RFC 3207) and AUTH (RFC 4954).
///
/// Fail-closed: TLS is required unless the configuration explicitly asks for plaintext *and* the peer
/// turns out to be on a loopback address; credentials are never sent before TLS; every recipient must be
/// accepted or nothing is sent; every step has a timeout; errors name the step and reply code.
public struct SMTPClient: Sendable {
    public var configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "warden.channels.smtp")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Validates, renders and delivers `message`, then QUITs. Nothing is sent if validation fails.
    public func send(_ message: EmailMessage) async throws(SMTPError) -> SMTPReceipt {
        try configuration.validate()
        let messageID = UUID().uuidString.lowercased()
        let rendered: String
        do throws(EmailMessageError) {
            rendered = try configuration.renderer.render(message, date: Date(), messageID: messageID)
        } catch {
            throw .invalidMessage(error)
        }
        if configuration.security == .plaintextLoopbackOnly, !Loopback.isLoopbackHost(configuration.host) {
            throw .plaintextRefusedForNonLoopback(host: configuration.host)
        }
        let connection = try await SMTPConnection.open(configuration: configuration, group: eventLoopGroup)
        do throws(SMTPError) {
            let receipt = try await deliver(
                message, data: rendered, messageID: messageID, over: connection)
            await connection.quit()
            return receipt
        } catch {
            await connection.close()
            throw error
        }
    }

    private func deliver(
        _ message: EmailMessage, data: String, messageID: String, over connection: SMTPConnection
    ) async throws(SMTPError) -> SMTPReceipt {
        let config = configuration
        try await connection.expect(nil, step: .greeting, codes: [220])
        var capabilities = try await connection.ehlo(config.clientHostname)
        var usedTLS = config.security == .implicitTLS
        if config.security == .startTLS {
            guard capabilities.keywords.contains("STARTTLS") else { throw .startTLSNotOffered }
            try await connection.expect("STARTTLS", step: .startTLS, codes: [220])
            try await connection.startTLS(configuration: config)
            usedTLS = true
            capabilities = try await connection.ehlo(config.clientHostname, firstUseOfTLS: true)
        }
        if let credentials = config.credentials {
            try await authenticate(credentials, capabilities: capabilities, over: connection)
        }
        logger.debug("smtp envelope", metadata: ["recipients": "\(message.envelopeRecipients.count)"])
        try await connection.expect("MAIL FROM:<\(message.from)>", step: .mailFrom, codes: [250])
        var accepted: [EmailAddress] = []
        for recipient in message.envelopeRecipients {
            try await connection.expect("RCPT TO:<\(recipient)>", step: .rcptTo, codes: [250, 251])
            accepted.append(recipient)
        }
        try await connection.expect("DATA", step: .data, codes: [354])
        let final = try await connection.expect(
            DotStuffing.apply(data) + ".", step: .messageBody, codes: [250])
        return SMTPReceipt(
            messageID: "\(messageID)@\(message.from.domain)", acceptedRecipients: accepted,
            serverReply: final.summary, usedTLS: usedTLS)
    }

    private func authenticate(
        _ credentials: SMTPCredentials, capabilities: SMTPCapabilities, over connection: SMTPConnection
    ) async throws(SMTPError) {
        let offered = capabilities.authMechanisms
        let mechanism: SMTPAuthMechanism
        if let forced = configuration.authMechanism {
            guard offered.contains(forced.rawValue) else { throw .noSupportedAuthMechanism(offered: offered) }
            mechanism = forced
        } else if offered.contains("PLAIN") {
            mechanism = .plain
        } else if offered.contains("LOGIN") {
            mechanism = .login
        } else {
            throw .noSupportedAuthMechanism(offered: offered)
        }
        do throws(SMTPError) {
            switch mechanism {
            case .plain:
                let token = Data(([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8)))
                try await connection.expect(
                    "AUTH PLAIN " + token.base64EncodedString(), step: .auth, codes: [235])
            case .login:
                try await connection.expect("AUTH LOGIN", step: .auth, codes: [334])
                try await connection.expect(
                    Data(credentials.username.utf8).base64EncodedString(), step: .auth, codes: [334])
                try await connection.expect(
                    Data(credentials.password.utf8).base64EncodedString(), step: .auth, codes: [235])
            }
        } catch {
            if case .unexpectedReply(.auth, let code, let text) = error {
                throw .authenticationFailed(code: code, text: text)
            }
            throw error
        }
    }
}

/// Dot-stuffing for the DATA phase (RFC 5321 §4.5.2): a line that starts with "." gets a second ".".
public enum DotStuffing {
    /// `text` must already use CRLF line endings.
    public static func apply(_ text: String) -> String {
        text.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }
}

/// The EHLO reply's extension keywords.
struct SMTPCapabilities {
    var keywords: Set<String> = []
    var authMechanisms: [String] = []

    init(reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
            guard let keyword = words.first else { continue }
            keywords.insert(keyword)
            if keyword == "AUTH" { authMechanisms += words.dropFirst() }
        }
    }
}

import Foundation
import NIOCore
import NIOSSL

/// How the SMTP connection is protected.
public enum SMTPTransportSecurity: Sendable, Hashable {
    /// Plain connect, then STARTTLS before anything else; refuse the server if it does not offer it.
    case startTLS
    /// TLS from the first byte (SMTPS, usually port 465).
    case implicitTLS
    /// No TLS at all. Accepted only when the peer is on a loopback address (test servers); refused otherwise.
    case plaintextLoopbackOnly
}

/// SASL mechanisms Warden speaks. Both send the password once, protected by TLS.
public enum SMTPAuthMechanism: String, Sendable, Hashable {
    case plain = "PLAIN"
    case login = "LOGIN"
}

/// SMTP credentials, passed in by value after the caller read them from the secret store.
/// `description` never shows the password.
public struct SMTPCredentials: Sendable, Hashable, CustomStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "SMTPCredentials(username: <redacted>, password: <redacted>)" }
}

/// Where and how `SMTPClient` delivers.
public struct SMTPConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var security: SMTPTransportSecurity
    /// TLS settings for STARTTLS and implicit TLS. Defaults to full certificate and hostname verification
    /// against the system trust roots; tests add their own root.
    public var tls: TLSConfiguration
    /// Credentials for AUTH; nil sends without authenticating.
    public var credentials: SMTPCredentials?
    /// Force one mechanism; nil prefers PLAIN, then LOGIN, among those the server offers.
    public var authMechanism: SMTPAuthMechanism?
    /// The name sent in EHLO.
    public var clientHostname: String
    public var connectTimeout: TimeAmount
    /// Upper bound for each command/reply exchange, including the message body transfer.
    public var stepTimeout: TimeAmount
    public var renderer: MIMERenderer

    /// System trust roots, full verification, TLS 1.2 or newer.
    public static var defaultTLS: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// Checks the values that end up on the wire outside the message (EHLO name, SASL credentials).
    func validate() throws(SMTPError) {
        let nameIsHostname =
            !clientHostname.isEmpty && clientHostname.utf8.count <= 253
            && clientHostname.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
                    || $0 == "."
            }
        guard nameIsHostname else { throw .invalidConfiguration(reason: "EHLO name is not a hostname") }
        if let credentials {
            let forbidden =
                credentials.username.unicodeScalars.contains(where: MIMERenderer.isForbiddenInHeader)
                || credentials.password.unicodeScalars.contains(where: MIMERenderer.isForbiddenInHeader)
            guard !forbidden, !credentials.username.isEmpty else {
                throw .invalidConfiguration(reason: "credentials are empty or contain control characters")
            }
        }
    }

    public init(
        host: String, port: Int, security: SMTPTransportSecurity = .startTLS,
        tls: TLSConfiguration = SMTPConfiguration.defaultTLS, credentials: SMTPCredentials? = nil,
        authMechanism: SMTPAuthMechanism? = nil, clientHostname: String = "warden.invalid",
        connectTimeout: TimeAmount = .seconds(10), stepTimeout: TimeAmount = .seconds(30),
        renderer: MIMERenderer = MIMERenderer()
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.tls = tls
        self.credentials = credentials
        self.authMechanism = authMechanism
        self.clientHostname = clientHostname
        self.connectTimeout = connectTimeout
        self.stepTimeout = stepTimeout
        self.renderer = renderer
    }
}

/// What the server accepted.
public struct SMTPReceipt: Sendable, Hashable {
    /// The Message-ID header value, without angle brackets.
    public var messageID: String
    /// Every envelope recipient the server accepted (to, cc and bcc).
    public var acceptedRecipients: [EmailAddress]
    /// The server's reply to the end of DATA (often carries its queue id), truncated.
    public var serverReply: String
    /// Whether the message travelled over TLS.
    public var usedTLS: Bool
}

enum Loopback {
    /// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8.
    static func isLoopback(_ address: SocketAddress) -> Bool {
        guard let ip = address.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.lowercased().hasPrefix("::ffff:127.")
    }

    /// True for a host name or literal that can only mean this machine.
    static func isLoopbackHost(_ host: String) -> Bool {
        let trimmed = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if trimmed.lowercased() == "localhost" { return true }
        guard let address = try? SocketAddress(ipAddress: trimmed, port: 0) else { return false }
        return isLoopback(address)
    }

    static func isIPLiteral(_ host: String) -> Bool {
        let trimmed = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (try? SocketAddress(ipAddress: trimmed, port: 0)) != nil
    }
}

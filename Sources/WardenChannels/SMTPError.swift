/// The stage of an SMTP session, named in every `SMTPError` so a failure says where it happened.
public enum SMTPStep: String, Sendable, Hashable {
    case connect
    case greeting
    case ehlo = "EHLO"
    case startTLS = "STARTTLS"
    case tlsHandshake = "TLS handshake"
    case auth = "AUTH"
    case mailFrom = "MAIL FROM"
    case rcptTo = "RCPT TO"
    case data = "DATA"
    case messageBody = "message body"
    case quit = "QUIT"
}

/// A failed send. Descriptions name the step and the SMTP reply code; they never contain credentials
/// or message content (server reply text is included only as received, truncated).
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message itself was refused before connecting.
    case invalidMessage(EmailMessageError)
    /// The configuration itself is unusable (for example CR/LF in the EHLO name or NUL in credentials).
    case invalidConfiguration(reason: String)
    /// Plaintext was requested for a server that is not on a loopback address.
    case plaintextRefusedForNonLoopback(host: String)
    /// The server replied with an unexpected code.
    case unexpectedReply(step: SMTPStep, code: Int, text: String)
    /// The server did not offer STARTTLS although it is required.
    case startTLSNotOffered
    /// Credentials were given but the server offers no mechanism Warden supports (PLAIN, LOGIN).
    case noSupportedAuthMechanism(offered: [String])
    /// The server refused the credentials (535 and friends).
    case authenticationFailed(code: Int, text: String)
    /// A step did not complete within its timeout.
    case timeout(step: SMTPStep)
    /// The connection failed or closed during a step.
    case connectionFailed(step: SMTPStep, reason: String)
    /// The server sent a reply that is not valid SMTP (bad code, overlong line, too many lines).
    case malformedReply(step: SMTPStep)

    public var description: String {
        switch self {
        case .invalidMessage(let error): error.description
        case .invalidConfiguration(let reason): "SMTP configuration refused: \(reason)"
        case .plaintextRefusedForNonLoopback:
            "SMTP refused: plaintext is allowed only for loopback test servers; use STARTTLS or implicit TLS"
        case .unexpectedReply(let step, let code, let text):
            "SMTP \(step.rawValue) failed: server replied \(code) \(text)"
        case .startTLSNotOffered: "SMTP STARTTLS failed: server does not offer STARTTLS and TLS is required"
        case .noSupportedAuthMechanism(let offered):
            "SMTP AUTH failed: server offers \(offered.joined(separator: " ")), Warden supports PLAIN and LOGIN"
        case .authenticationFailed(let code, let text): "SMTP AUTH failed: server replied \(code) \(text)"
        case .timeout(let step): "SMTP \(step.rawValue) failed: timed out"
        case .connectionFailed(let step, let reason): "SMTP \(step.rawValue) failed: \(reason)"
        case .malformedReply(let step): "SMTP \(step.rawValue) failed: malformed reply from server"
        }
    }
}

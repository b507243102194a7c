import Foundation

/// A plain-text email to be sent by `SMTPClient`.
///
/// Every recipient list goes into the SMTP envelope; `bcc` never appears in the rendered headers.
public struct EmailMessage: Sendable, Hashable {
    public var from: EmailAddress
    public var to: [EmailAddress]
    public var cc: [EmailAddress]
    public var bcc: [EmailAddress]
    /// Free text; refused if it contains CR, LF or other control characters (header injection).
    public var subject: String
    /// UTF-8 text; line endings are normalised to CRLF when rendered.
    public var body: String
    public var transferEncoding: BodyTransferEncoding

    public init(
        from: EmailAddress, to: [EmailAddress], cc: [EmailAddress] = [], bcc: [EmailAddress] = [],
        subject: String, body: String, transferEncoding: BodyTransferEncoding = .quotedPrintable
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.subject = subject
        self.body = body
        self.transferEncoding = transferEncoding
    }

    /// Every envelope recipient (to, cc, bcc) once, in that order.
    public var envelopeRecipients: [EmailAddress] {
        var seen = Set<EmailAddress>()
        return (to + cc + bcc).filter { seen.insert($0).inserted }
    }
}

/// The Content-Transfer-Encoding of the text body.
public enum BodyTransferEncoding: String, Sendable, Hashable {
    case quotedPrintable = "quoted-printable"
    case base64
}

/// Why a message was refused before any connection was made.
public enum EmailMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    case noRecipients
    case tooManyRecipients(count: Int, limit: Int)
    case headerValueContainsControlCharacter(header: String)
    case subjectTooLong(bytes: Int, limit: Int)
    case bodyTooLarge(bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .noRecipients: "email refused: no recipients in to, cc or bcc"
        case .tooManyRecipients(let count, let limit): "email refused: \(count) recipients, limit is \(limit)"
        case .headerValueContainsControlCharacter(let header):
            "email refused: \(header) contains CR, LF or another control character (header injection)"
        case .subjectTooLong(let bytes, let limit): "email refused: subject is \(bytes) bytes, limit is \(limit)"
        case .bodyTooLarge(let bytes, let limit): "email refused: body is \(bytes) bytes, limit is \(limit)"
        }
    }
}

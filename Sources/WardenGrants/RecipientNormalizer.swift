/// Turns what a tool call says about a recipient into the one canonical ``Recipient`` a grant can name, refusing
/// every form whose meaning an attacker could bend. Refusal, not repair: an input that is not plainly one
/// mailbox, endpoint or channel is an error naming the rule, never a best guess.
///
/// Email (``email(_:)``): a bare RFC 5321 addr-spec `local@domain` only.
/// - Refused: display names and `<>`, comments `()`, quoted local parts, backslashes, source routes, groups and
///   lists (`:`, `,`, `;`), address literals `[...]`, a missing or second `@`, MIME encoded-words (`=?`),
///   control characters, whitespace, invisible formatting characters (zero-width, bidi), relay routing
///   characters `%` and `!`, non-ASCII local parts (SMTPUTF8 is not supported), and dot misuse.
/// - The local part keeps its case: RFC 5321 lets a server treat `Alice` and `alice` as different mailboxes, so
///   folding them could let a grant for one cover the other. A case difference is a refusal, never a pass.
/// - The domain is lower-cased, a trailing `.` is removed, and Unicode labels are converted to `xn--` Punycode
///   after lower-casing and NFC; existing `xn--` labels must be valid canonical Punycode. Homograph detection
///   (mixed scripts) is not attempted: the canonical `xn--` form shows the difference to a human approver.
///
/// Webhook (``webhook(_:)``), channel (``channel(_:)``): see those methods.
public struct RecipientNormalizer: Sendable {
    /// Whether `http://` webhooks are accepted (for local development only).
    public let allowInsecureWebhooks: Bool

    public init(allowInsecureWebhooks: Bool = false) {
        self.allowInsecureWebhooks = allowInsecureWebhooks
    }

    static let maximumEmailLength = 254
    static let maximumLocalPartLength = 64

    /// Normalises a bare email address to `mailto:<local>@<domain>`.
    public func email(_ raw: String) throws(RecipientError) -> Recipient {
        guard !raw.isEmpty else { throw RecipientError(.empty) }
        guard raw.utf8.count <= 4 * Self.maximumEmailLength else { throw RecipientError(.tooLong) }
        try Self.refuseInvisible(raw)
        if raw.contains("=?") { throw RecipientError(.encodedWord) }
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "<", ">": throw RecipientError(.displayName)
            case "(", ")": throw RecipientError(.comment)
            case "\"": throw RecipientError(.quotedLocalPart)
            case "\\": throw RecipientError(.backslash)
            case ":", ",", ";": throw RecipientError(.routeOrListSyntax)
            case "[", "]": throw RecipientError(.addressLiteral)
            default: continue
            }
        }
        let parts = raw.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { throw RecipientError(.missingAt) }
        guard parts.count == 2 else { throw RecipientError(.multipleAt) }
        let local = try Self.localPart(parts[0])
        let domain = try DomainNormalizer.normalize(parts[1])
        let address = local + "@" + domain
        guard address.utf8.count <= Self.maximumEmailLength else { throw RecipientError(.tooLong) }
        return Recipient(trustedCanonical: "mailto:" + address)
    }

    private static func localPart(_ local: Substring) throws(RecipientError) -> String {
        guard !local.isEmpty else { throw RecipientError(.localPartEmpty) }
        let bytes = Array(local.utf8)
        guard bytes.count <= maximumLocalPartLength else { throw RecipientError(.localPartTooLong) }
        for byte in bytes {
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "!") { throw RecipientError(.routingCharacter) }
            guard isLocalPartByte(byte) else { throw RecipientError(.localPartCharacter) }
        }
        let dot = UInt8(ascii: ".")
        if bytes.first == dot || bytes.last == dot
            || zip(bytes, bytes.dropFirst()).contains(where: { $0 == dot && $1 == dot })
        {
            throw RecipientError(.localPartDots)
        }
        return String(local)
    }

    /// RFC 5322 atext without `%` and `!`, plus `.`.
    private static func isLocalPartByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array(".#$&'*+-/=?^_`{|}~".utf8).contains(byte)
        }
    }

    /// Refuses control characters, whitespace and invisible formatting characters anywhere in the input.
    static func refuseInvisible(_ raw: String) throws(RecipientError) {
        for scalar in raw.unicodeScalars {
            let category = scalar.properties.generalCategory
            if category == .control || scalar.properties.isWhitespace || category == .lineSeparator
                || category == .paragraphSeparator || category == .spaceSeparator
            {
                throw RecipientError(.controlOrWhitespace)
            }
            if category == .format || category == .unassigned || category == .privateUse || category == .surrogate
                || scalar.properties.isNoncharacterCodePoint || scalar.properties.isDefaultIgnorableCodePoint
            {
                throw RecipientError(.invisibleCharacter)
            }
        }
    }
}

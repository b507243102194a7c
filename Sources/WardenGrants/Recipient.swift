/// One normalised recipient of a send. Only ``RecipientNormalizer`` creates them, so two recipients are equal
/// exactly when their canonical strings are.
///
/// Canonical forms, one prefix per kind so kinds can never be confused:
/// - email: `mailto:<local>@<domain>` (see ``RecipientNormalizer/email(_:)``)
/// - webhook: `https://host[:port]/path[?query]` (see ``RecipientNormalizer/webhook(_:)``)
/// - channel: `<service>:#<channel>` or `<service>:@<member>` (see ``RecipientNormalizer/channel(_:)``)
public struct Recipient: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case email
        case webhook
        case channel
    }

    /// The canonical string stored in grants and compared byte for byte.
    public let canonical: String

    init(trustedCanonical: String) { self.canonical = trustedCanonical }

    /// Re-reads a canonical string (e.g. from `warden grant mint --to`), refusing any string that is not already
    /// in canonical form — so a stored value can never mean something other than it says.
    public init(canonical: String) throws(RecipientError) {
        let normalizer = RecipientNormalizer(allowInsecureWebhooks: true)
        let parsed: Recipient
        if canonical.hasPrefix("mailto:") {
            parsed = try normalizer.email(String(canonical.dropFirst("mailto:".count)))
        } else if canonical.hasPrefix("https://") || canonical.hasPrefix("http://") {
            parsed = try normalizer.webhook(canonical)
        } else {
            parsed = try normalizer.channel(canonical)
        }
        guard parsed.canonical == canonical else { throw RecipientError(.notCanonical) }
        self = parsed
    }

    public var kind: Kind {
        if canonical.hasPrefix("mailto:") { return .email }
        if canonical.hasPrefix("https://") || canonical.hasPrefix("http://") { return .webhook }
        return .channel
    }

    public var description: String { canonical }

    /// Sorted by UTF-8 bytes, duplicates removed: the order grants store and verifiers merge over.
    static func canonicalSet(_ recipients: [Recipient]) -> [Recipient] {
        var seen = Set<String>()
        return recipients.filter { seen.insert($0.canonical).inserted }
            .sorted { $0.canonical.utf8.lexicographicallyPrecedes($1.canonical.utf8) }
    }
}

/// A recipient was refused; ``rule`` names the rule it broke. The offending input is not echoed.
public struct RecipientError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Rule: String, Sendable, Hashable, CaseIterable {
        case empty = "recipient must not be empty"
        case tooLong = "recipient is too long"
        case notCanonical = "recipient is not in canonical form"
        case controlOrWhitespace = "control characters and whitespace are not allowed"
        case invisibleCharacter = "invisible formatting characters (zero-width, bidi controls) are not allowed"
        case encodedWord = "MIME encoded-words ('=?') are not allowed"
        case displayName = "display names and angle brackets are not allowed; give the bare address"
        case comment = "comments in parentheses are not allowed"
        case quotedLocalPart = "quoted local parts are not allowed"
        case backslash = "backslashes are not allowed"
        case routeOrListSyntax = "source routes, groups and address lists (':', ',', ';') are not allowed"
        case addressLiteral = "address literals ('[...]') are not allowed"
        case missingAt = "an email address needs exactly one '@'"
        case multipleAt = "an email address must not contain a second '@'"
        case localPartEmpty = "local part must not be empty"
        case localPartTooLong = "local part must be at most 64 characters"
        case localPartDots = "local part must not start or end with '.' or contain '..'"
        case routingCharacter = "'%' and '!' (relay routing) are not allowed in the local part"
        case localPartCharacter =
            "local part may contain only ASCII letters, digits and . _ + - = ' # $ & * / ? ^ ` { | } ~"
        case domainEmpty = "domain must not be empty"
        case domainTooLong = "domain must be at most 253 characters"
        case labelEmpty = "domain labels must not be empty"
        case labelTooLong = "domain labels must be at most 63 characters"
        case labelHyphen = "domain labels must not start or end with '-'"
        case reservedHyphens = "domain labels with '--' in positions 3-4 must be valid 'xn--' labels"
        case domainCharacter = "domain may contain only letters, digits, marks and '-'"
        case unicodeDotVariant = "only '.' separates domain labels (ideographic and full-width stops are refused)"
        case invalidPunycode = "'xn--' label is not valid, canonical Punycode"
        case singleLabelDomain = "domain must have at least two labels"
        case numericTopLevelDomain = "top-level domain must not be all digits"
        case schemeNotAllowed = "webhook URL scheme must be https"
        case notAbsoluteURL = "webhook must be an absolute URL ('scheme://host/...')"
        case userInfo = "webhook URL must not contain user info ('user@')"
        case fragment = "webhook URL must not contain a fragment ('#')"
        case ipv6NotSupported = "IPv6 literal hosts are not supported"
        case invalidIPv4 = "IPv4 hosts must be four decimal numbers 0-255 without leading zeros"
        case invalidPort = "port must be a decimal number 1-65535"
        case invalidPercentEncoding = "'%' must be followed by two hex digits"
        case dotSegment = "'.' and '..' path segments are not allowed"
        case urlCharacter = "URL contains a character that must be percent-encoded"
        case channelService =
            "channel must be '<service>:#<name>' or '<service>:@<member>' with a service of a-z, 0-9, '-'"
        case reservedService = "channel service must not be a URL or mail scheme"
        case channelName = "channel and member names may contain only letters, digits, '.', '_' and '-' (1-80)"
    }

    public let rule: Rule

    public init(_ rule: Rule) { self.rule = rule }

    public var description: String { "recipient refused: \(rule.rawValue)" }
}

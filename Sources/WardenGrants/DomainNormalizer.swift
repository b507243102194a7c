import Foundation

/// Domain names for email addresses and webhook hosts: lower-cased, trailing dot removed, Unicode labels
/// converted to canonical `xn--` Punycode (IDNA), every label checked (LDH rule, length, hyphens).
enum DomainNormalizer {
    static let maximumLength = 253
    static let maximumLabelLength = 63

    static func normalize(_ raw: Substring) throws(RecipientError) -> String {
        var domain = raw
        if domain.hasSuffix(".") { domain = domain.dropLast() }
        guard !domain.isEmpty else { throw RecipientError(.domainEmpty) }
        for scalar in domain.unicodeScalars where ["\u{3002}", "\u{FF0E}", "\u{FF61}"].contains(scalar) {
            throw RecipientError(.unicodeDotVariant)
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        var normalized: [String] = []
        for label in labels { normalized.append(try normalizeLabel(label)) }
        guard normalized.count >= 2 else { throw RecipientError(.singleLabelDomain) }
        if let last = normalized.last, last.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            throw RecipientError(.numericTopLevelDomain)
        }
        let result = normalized.joined(separator: ".")
        guard result.utf8.count <= maximumLength else { throw RecipientError(.domainTooLong) }
        return result
    }

    private static func normalizeLabel(_ label: Substring) throws(RecipientError) -> String {
        guard !label.isEmpty else { throw RecipientError(.labelEmpty) }
        guard label.utf8.count <= 4 * maximumLabelLength else { throw RecipientError(.labelTooLong) }
        let ascii: String
        if label.utf8.allSatisfy({ $0 < 0x80 }) {
            ascii = String(decoding: label.utf8.map(lowercasedASCII), as: UTF8.self)
            guard ascii.utf8.allSatisfy(isLDH) else { throw RecipientError(.domainCharacter) }
            if ascii.hasPrefix("xn--") {
                try checkPunycodeLabel(ascii)
            } else if hasReservedHyphens(ascii) {
                throw RecipientError(.reservedHyphens)
            }
        } else {
            let unicode = String(label).lowercased().precomposedStringWithCanonicalMapping
            let scalars = Array(unicode.unicodeScalars)
            try checkUnicodeLabel(scalars)
            guard let encoded = Punycode.encode(scalars) else { throw RecipientError(.invalidPunycode) }
            ascii = "xn--" + encoded
        }
        guard ascii.utf8.count <= maximumLabelLength else { throw RecipientError(.labelTooLong) }
        if ascii.hasPrefix("-") || ascii.hasSuffix("-") { throw RecipientError(.labelHyphen) }
        return ascii
    }

    /// An `xn--` label must decode, contain non-ASCII, pass the Unicode label rules and re-encode to itself.
    private static func checkPunycodeLabel(_ label: String) throws(RecipientError) {
        let body = String(label.dropFirst(4))
        guard let scalars = Punycode.decode(body), scalars.contains(where: { !$0.isASCII }) else {
            throw RecipientError(.invalidPunycode)
        }
        let decoded = String(String.UnicodeScalarView(scalars))
        guard decoded.lowercased().precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(scalars) else {
            throw RecipientError(.invalidPunycode)
        }
        do {
            try checkUnicodeLabel(scalars)
        } catch {
            throw RecipientError(.invalidPunycode)
        }
        guard Punycode.encode(scalars) == body else { throw RecipientError(.invalidPunycode) }
    }

    /// Letters, marks and decimal digits (any script), ASCII lower-case letters, digits and '-'.
    private static func checkUnicodeLabel(_ scalars: [Unicode.Scalar]) throws(RecipientError) {
        for scalar in scalars {
            if scalar.isASCII {
                guard scalar.value <= 0x7F, isLDH(UInt8(scalar.value)) else { throw RecipientError(.domainCharacter) }
                continue
            }
            switch scalar.properties.generalCategory {
            case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber:
                continue
            default:
                throw RecipientError(.domainCharacter)
            }
        }
        if let first = scalars.first,
            first.properties.generalCategory == .nonspacingMark
                || first.properties.generalCategory == .spacingMark
        {
            throw RecipientError(.domainCharacter)
        }
        let text = String(String.UnicodeScalarView(scalars))
        if hasReservedHyphens(text) { throw RecipientError(.reservedHyphens) }
    }

    private static func hasReservedHyphens(_ label: String) -> Bool {
        let scalars = Array(label.unicodeScalars)
        return scalars.count >= 4 && scalars[2] == "-" && scalars[3] == "-"
    }

    static func isLDH(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
    }

    static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }
}

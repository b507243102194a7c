/// A mailbox address restricted to a plain RFC 5321 `addr-spec`: `local@domain`, nothing else.
///
/// Display names, comments, quoted local parts, domain literals, routes and non-ASCII text are refused,
/// because each of them is a way to make the header a human reads differ from the envelope a server
/// delivers to, or to smuggle a second header or SMTP command. Internationalised domains must be passed
/// in their ASCII (punycode) form. The domain is lower-cased; the local part is kept as given.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The part before `@`, exactly as given.
    public let localPart: String
    /// The domain, lower-cased.
    public let domain: String

    /// `local@domain`, suitable for both the SMTP envelope and an RFC 5322 header.
    public var description: String { "\(localPart)@\(domain)" }

    /// Parses `text` as a plain addr-spec, or throws `EmailAddressError` naming the rule it broke.
    public init(_ text: String) throws(EmailAddressError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= 254 else { throw .tooLong }
        for byte in bytes where byte < 0x21 || byte > 0x7E {
            throw .forbiddenCharacter(text: text)
        }
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .notExactlyOneAt(text: text) }
        let local = Array(parts[0])
        let domain = Array(parts[1])
        guard EmailAddress.isDotAtom(local), local.count <= 64 else { throw .invalidLocalPart(text: text) }
        guard EmailAddress.isHostname(domain) else { throw .invalidDomain(text: text) }
        self.localPart = String(decoding: local, as: UTF8.self)
        self.domain = String(decoding: domain, as: UTF8.self).lowercased()
    }

    /// RFC 5322 `atext` characters (letters, digits and ``!#$%&'*+-/=?^_`{|}~``).
    private static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
        }
    }

    /// A `dot-atom`: runs of atext separated by single dots, no leading or trailing dot.
    private static func isDotAtom(_ bytes: [UInt8]) -> Bool {
        let atoms = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return !bytes.isEmpty && atoms.allSatisfy { !$0.isEmpty && $0.allSatisfy(isAtext) }
    }

    /// A DNS hostname: labels of letters, digits and inner hyphens, each 1...63 bytes.
    private static func isHostname(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard let first = label.first, let last = label.last, label.count <= 63 else { return false }
            let hyphen = UInt8(ascii: "-")
            guard first != hyphen, last != hyphen else { return false }
            return label.allSatisfy { byte in
                byte == hyphen || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
            }
        }
    }
}

/// Why a string was refused as an email address.
public enum EmailAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong
    case forbiddenCharacter(text: String)
    case notExactlyOneAt(text: String)
    case invalidLocalPart(text: String)
    case invalidDomain(text: String)

    public var description: String {
        switch self {
        case .empty: "email address refused: empty"
        case .tooLong: "email address refused: longer than 254 bytes"
        case .forbiddenCharacter:
            "email address refused: contains whitespace, a control character or non-ASCII (plain addr-spec only)"
        case .notExactlyOneAt: "email address refused: must contain exactly one '@'"
        case .invalidLocalPart: "email address refused: local part is not a dot-atom of at most 64 bytes"
        case .invalidDomain: "email address refused: domain is not an ASCII hostname"
        }
    }
}

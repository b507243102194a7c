/// A reference to a secret by name, written `secret://name` in configuration.
///
/// Configuration never holds secret values, only references; the value is resolved from a ``SecretStore`` at run
/// time. The name grammar is deliberately narrow (`[A-Za-z0-9._-]`, starting with a letter or digit, at most
/// ``maximumNameLength`` characters) so a name can never smuggle a path, a URL or whitespace into a backend.
public struct SecretReference: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The scheme every reference starts with.
    public static let scheme = "secret://"
    /// Longest accepted name, in characters.
    public static let maximumNameLength = 128

    /// The secret's name (the part after `secret://`).
    public let name: String

    /// Parses `secret://name`, refusing anything that does not follow the grammar exactly.
    public init(parsing text: String) throws(SecretReferenceError) {
        guard text.hasPrefix(Self.scheme) else { throw .missingScheme }
        try self.init(name: String(text.dropFirst(Self.scheme.count)))
    }

    /// Validates a bare name (without the scheme).
    public init(name: String) throws(SecretReferenceError) {
        try Self.validate(name: name)
        self.name = name
    }

    /// The reference as written in configuration.
    public var description: String { Self.scheme + name }

    public static func < (lhs: SecretReference, rhs: SecretReference) -> Bool {
        lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
    }

    /// Checks the name grammar; shared with tenant identifiers, which use the same rule.
    static func validate(name: String) throws(SecretReferenceError) {
        if name.isEmpty { throw .emptyName }
        let bytes = Array(name.utf8)
        if bytes.count > maximumNameLength { throw .nameTooLong(maximum: maximumNameLength) }
        for (offset, byte) in bytes.enumerated() where !isNameByte(byte) {
            throw .invalidCharacter(offset: offset)
        }
        if let first = bytes.first, !isAlphanumeric(first) { throw .mustStartWithLetterOrDigit }
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}

/// Why a secret reference was refused; each case names the rule that was broken.
public enum SecretReferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingScheme
    case emptyName
    case nameTooLong(maximum: Int)
    /// The byte at `offset` (in the name's UTF-8) is outside `[A-Za-z0-9._-]`. The character itself is not echoed,
    /// because a mistyped reference may be a pasted secret.
    case invalidCharacter(offset: Int)
    case mustStartWithLetterOrDigit

    public var description: String {
        switch self {
        case .missingScheme: "secret reference must start with 'secret://'"
        case .emptyName: "secret name must not be empty"
        case .nameTooLong(let maximum): "secret name must be at most \(maximum) characters"
        case .invalidCharacter(let offset):
            "secret name may contain only A-Z, a-z, 0-9, '.', '_' and '-' (offending character at offset \(offset))"
        case .mustStartWithLetterOrDigit: "secret name must start with a letter or digit"
        }
    }
}

/// A tenant identifier as the keyring and vault use it: `[A-Za-z0-9._-]`, 1 to 64 characters, starting with a
/// letter or digit (the same grammar as secret names, so it can be part of one).
public struct TenantID: Hashable, Sendable, CustomStringConvertible {
    public static let maximumLength = 64
    public let value: String

    public init(_ value: String) throws(TenantIDError) {
        guard !value.isEmpty, value.utf8.count <= Self.maximumLength,
            value.utf8.allSatisfy(SecretReference.isNameByte),
            let first = value.utf8.first, SecretReference.isAlphanumeric(first)
        else { throw TenantIDError(maximumLength: Self.maximumLength) }
        self.value = value
    }

    public var description: String { value }
}

/// A tenant identifier broke the grammar.
public struct TenantIDError: Error, Equatable, Sendable, CustomStringConvertible {
    let maximumLength: Int
    public var description: String {
        "tenant id must be 1 to \(maximumLength) characters of A-Z, a-z, 0-9, '.', '_' or '-', starting with a letter "
            + "or digit"
    }
}

import Crypto

/// One version of one purpose key of one tenant. Prints its key id, never its material.
public struct DerivedKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let tenant: TenantID
    public let purpose: KeyPurpose
    public let version: UInt32
    /// Public identifier: 12 hex digits of SHA-256 over ("warden/kid/v1", tenant, purpose, version). 48 bits is
    /// plenty to tell a tenant's few versions apart and keeps the id an inline (allocation-free) string.
    public let keyID: String
    public let status: KeyStatus
    /// The 32-byte key. For ``KeyPurpose/ledgerSigning`` use ``signingKey()`` instead.
    public let symmetricKey: SymmetricKey

    /// The Ed25519 key whose 32-byte seed is this key's material (for ``KeyPurpose/ledgerSigning``).
    public func signingKey() throws -> Curve25519.Signing.PrivateKey {
        try symmetricKey.withUnsafeBytes { try Curve25519.Signing.PrivateKey(rawRepresentation: $0) }
    }

    public var description: String { "DerivedKey(\(tenant) \(purpose.rawValue) v\(version) kid \(keyID) \(status))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

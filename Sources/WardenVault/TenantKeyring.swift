import Crypto

/// The keys of one tenant: one master key, and per purpose a list of versions derived from it.
///
/// Purpose key = HKDF-SHA256(ikm: tenant master key, salt: "warden/keyring/v1",
/// info: len16(tenant) ‖ tenant ‖ len16(purpose) ‖ purpose ‖ u32be(version), 32 bytes). The tenant id is in the
/// info, so even two tenants that (by mistake) shared a master key would get unrelated keys, and the key id
/// (``DerivedKey/keyID``) also covers the tenant, so a key id of tenant A never names a key in tenant B's ring.
///
/// Rotation adds a version and makes it active; the old active version becomes verify-only (tokens and
/// signatures it made still verify) until it is retired, after which lookups by its key id return nil.
/// The value is immutable: ``rotating(_:)`` and ``retiring(_:version:)`` return a new keyring; persist it with
/// ``TenantKeyringStore``.
public struct TenantKeyring: Sendable {
    public let tenant: TenantID
    public let state: KeyringState
    private let masterKey: SymmetricKey

    public init(tenant: TenantID, masterKey: SymmetricKey, state: KeyringState = .initial) {
        self.tenant = tenant
        self.masterKey = masterKey
        self.state = state
    }

    /// The key to create with (mint, sign, encrypt) for `purpose`.
    public func activeKey(_ purpose: KeyPurpose) -> DerivedKey {
        derive(purpose, version: state.activeVersion(purpose), status: .active)
    }

    /// Every version of `purpose` that still verifies (active and verify-only), newest first.
    public func verificationKeys(_ purpose: KeyPurpose) -> [DerivedKey] {
        state.versions(purpose).filter { $0.status != .retired }.sorted { $0.version > $1.version }
            .map { derive(purpose, version: $0.version, status: $0.status) }
    }

    /// The verifying key with this key id, or nil when it is unknown, of another purpose, or retired.
    public func key(_ purpose: KeyPurpose, keyID: String) -> DerivedKey? {
        verificationKeys(purpose).first { $0.keyID == keyID }
    }

    /// A keyring in which `purpose` has a new active version.
    public func rotating(_ purpose: KeyPurpose) -> TenantKeyring {
        TenantKeyring(tenant: tenant, masterKey: masterKey, state: state.rotating(purpose))
    }

    /// A keyring in which `version` of `purpose` no longer verifies. The active version cannot be retired.
    public func retiring(_ purpose: KeyPurpose, version: UInt32) throws(KeyringError) -> TenantKeyring {
        TenantKeyring(tenant: tenant, masterKey: masterKey, state: try state.retiring(purpose, version: version))
    }

    /// The key id of a tenant's purpose key version (public: needs no key material).
    public static func keyID(tenant: TenantID, purpose: KeyPurpose, version: UInt32) -> String {
        var input = Array("warden/kid/v1".utf8)
        input.appendLengthPrefixed(Array(tenant.value.utf8))
        input.appendLengthPrefixed(Array(purpose.rawValue.utf8))
        input.appendBigEndian(version)
        return SHA256.hash(data: input).prefix(6).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    private func derive(_ purpose: KeyPurpose, version: UInt32, status: KeyStatus) -> DerivedKey {
        var info: [UInt8] = []
        info.appendLengthPrefixed(Array(tenant.value.utf8))
        info.appendLengthPrefixed(Array(purpose.rawValue.utf8))
        info.appendBigEndian(version)
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: masterKey, salt: Array("warden/keyring/v1".utf8), info: info, outputByteCount: 32)
        return DerivedKey(
            tenant: tenant, purpose: purpose, version: version,
            keyID: Self.keyID(tenant: tenant, purpose: purpose, version: version), status: status, symmetricKey: key)
    }
}

extension [UInt8] {
    mutating func appendLengthPrefixed(_ bytes: [UInt8]) {
        appendBigEndian(UInt16(truncatingIfNeeded: bytes.count))
        append(contentsOf: bytes)
    }
}

/// Keyring operations that were refused.
public enum KeyringError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotRetireActiveVersion(KeyPurpose, UInt32)
    case unknownVersion(KeyPurpose, UInt32)
    case malformedState(line: Int)
    case masterKeyWrongLength(Int)

    public var description: String {
        switch self {
        case .cannotRetireActiveVersion(let purpose, let version):
            "cannot retire \(purpose.rawValue) v\(version): it is the active version; rotate first"
        case .unknownVersion(let purpose, let version): "\(purpose.rawValue) has no version \(version)"
        case .malformedState(let line): "keyring state is malformed at line \(line)"
        case .masterKeyWrongLength(let count): "tenant master key must be 32 bytes, got \(count)"
        }
    }
}

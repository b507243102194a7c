import Crypto

/// Keeps each tenant's keyring in a ``SecretStore``: the master key under `keyring.<tenant>.master` (32 random
/// bytes, created on first use) and the version table under `keyring.<tenant>.state`.
///
/// Rotation and retirement are read-modify-write on the state secret: run them from one place (the CLI or the
/// cell's admin API), not concurrently.
public struct TenantKeyringStore: Sendable {
    private let store: any SecretStore

    public init(store: any SecretStore) { self.store = store }

    /// The tenant's keyring; creates the master key and an initial state the first time.
    public func load(_ tenant: TenantID) async throws -> TenantKeyring {
        let master = try await store.getOrCreate(try Self.masterReference(tenant)) {
            SecretValue(bytes: VaultFileFormat.randomBytes(32))
        }
        guard master.count == 32 else { throw KeyringError.masterKeyWrongLength(master.count) }
        let stored = try await store.getOrCreate(try Self.stateReference(tenant)) {
            SecretValue(KeyringState.initial.serialized)
        }
        guard let text = stored.utf8String else { throw KeyringError.malformedState(line: 1) }
        let state = try KeyringState(serialized: text)
        return TenantKeyring(tenant: tenant, masterKey: SymmetricKey(data: master.bytes), state: state)
    }

    /// Rotates `purpose` and persists the result.
    public func rotate(_ tenant: TenantID, _ purpose: KeyPurpose) async throws -> TenantKeyring {
        let rotated = try await load(tenant).rotating(purpose)
        try await save(rotated.state, for: tenant)
        return rotated
    }

    /// Retires `version` of `purpose` and persists the result.
    public func retire(_ tenant: TenantID, _ purpose: KeyPurpose, version: UInt32) async throws -> TenantKeyring {
        let retired = try await load(tenant).retiring(purpose, version: version)
        try await save(retired.state, for: tenant)
        return retired
    }

    private func save(_ state: KeyringState, for tenant: TenantID) async throws {
        try await store.set(SecretValue(state.serialized), for: try Self.stateReference(tenant))
    }

    static func masterReference(_ tenant: TenantID) throws -> SecretReference {
        try SecretReference(name: "keyring.\(tenant.value).master")
    }

    static func stateReference(_ tenant: TenantID) throws -> SecretReference {
        try SecretReference(name: "keyring.\(tenant.value).state")
    }
}

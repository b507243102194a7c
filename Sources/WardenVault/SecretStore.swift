/// A place secrets are read from (and, for writable backends, written to) at run time.
///
/// Backends: ``EnvironmentSecretStore`` (read-only) and ``VaultFileStore`` (an encrypted file). All methods are
/// async so remote backends (Key Vault, OpenBao) can implement the same seam.
public protocol SecretStore: Sendable {
    /// The value, or nil if the store has no secret of that name.
    func get(_ reference: SecretReference) async throws -> SecretValue?
    /// Creates or replaces a secret.
    func set(_ value: SecretValue, for reference: SecretReference) async throws
    /// Every secret's reference, sorted by name. Never returns values.
    func list() async throws -> [SecretReference]
    /// Removes a secret; returns whether it existed.
    @discardableResult
    func delete(_ reference: SecretReference) async throws -> Bool
    /// The existing value, or `make()` stored and returned if there is none. Backends that can should do this
    /// atomically (``VaultFileStore`` does), so two first uses cannot each create a different value.
    func getOrCreate(_ reference: SecretReference, _ make: @Sendable () -> SecretValue) async throws -> SecretValue
}

extension SecretStore {
    /// Get-then-set; not atomic across processes or concurrent callers. Override where the backend allows.
    public func getOrCreate(_ reference: SecretReference, _ make: @Sendable () -> SecretValue) async throws
        -> SecretValue
    {
        if let existing = try await get(reference) { return existing }
        let value = make()
        try await set(value, for: reference)
        return value
    }

    /// The value, or ``SecretStoreError/notFound(_:)`` — for callers that must not continue without it.
    public func require(_ reference: SecretReference) async throws -> SecretValue {
        guard let value = try await get(reference) else { throw SecretStoreError.notFound(reference) }
        return value
    }
}

/// Errors shared by secret stores. Messages name the rule and the reference, never a value.
public enum SecretStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(SecretReference)
    case readOnly(store: String)

    public var description: String {
        switch self {
        case .notFound(let reference): "secret \(reference) is not in the secret store"
        case .readOnly(let store): "the \(store) secret store is read-only"
        }
    }
}

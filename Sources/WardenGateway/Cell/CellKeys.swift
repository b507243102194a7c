import Foundation
import WardenGrants
import WardenVault

/// The cell's key material: the master key, the encrypted vault, and the tenant keyring derived from it.
///
/// The master key comes from `WARDEN_MASTER_KEY` or from `data_dir/master.key` (mode 0600). A quick-start
/// cell creates the key file on first start; a production cell should take it from the environment (a
/// platform secret) so the key never sits beside the vault it opens.
public struct CellKeys: Sendable {
    public let vault: VaultFileStore
    public let keyring: TenantKeyring
    public let masterKeySource: String

    public static func open(
        dataDirectory: String,
        tenant: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        createKeyFile: Bool = true
    ) async throws -> CellKeys {
        try FileManager.default.createDirectory(
            atPath: dataDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let keyFile = CellLayout(dataDirectory: dataDirectory).masterKey
        let masterKey: MasterKey
        let source: String
        if environment[MasterKey.environmentVariable] != nil {
            masterKey = try MasterKey.load(environment: environment, keyFile: nil)
            source = "environment (\(MasterKey.environmentVariable))"
        } else if FileManager.default.fileExists(atPath: keyFile) || !createKeyFile {
            masterKey = try MasterKey.load(environment: [:], keyFile: keyFile)
            source = keyFile
        } else {
            masterKey = MasterKey.generate()
            try masterKey.writeKeyFile(path: keyFile)
            source = "\(keyFile) (generated)"
        }
        let vault = VaultFileStore(
            path: CellLayout(dataDirectory: dataDirectory).vault,
            masterKey: masterKey
        )
        let keyring = try await TenantKeyringStore(store: vault).load(TenantID(tenant))
        return CellKeys(vault: vault, keyring: keyring, masterKeySource: source)
    }

    /// The grant keys: the active version mints, every unretired version verifies.
    public var grantKeys: GrantKeySet {
        let active = keyring.activeKey(.grants)
        return GrantKeySet(
            active: GrantKey(keyID: active.keyID, key: active.symmetricKey),
            verifyOnly: keyring.verificationKeys(.grants).filter { $0.keyID != active.keyID }.map {
                GrantKey(keyID: $0.keyID, key: $0.symmetricKey)
            }
        )
    }
}

/// Resolves `secret://name` from the cell's vault first, then from the environment.
public struct VaultThenEnvironmentResolver: SecretResolver {
    let vault: VaultFileStore
    let environment: EnvironmentSecretResolver

    public init(vault: VaultFileStore, environment: EnvironmentSecretResolver = EnvironmentSecretResolver()) {
        self.vault = vault
        self.environment = environment
    }

    public func resolve(_ name: String) async throws -> String {
        if let value = try await vault.get(try SecretReference(name: name)), let text = value.utf8String {
            return text
        }
        return try await environment.resolve(name)
    }
}
